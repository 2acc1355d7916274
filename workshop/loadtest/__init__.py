"""``workshop loadtest``: simulated phones and a projector against a running server.

``runner`` drives the stages, ``phone`` is one simulated participant, ``delivery`` checks that
every acknowledged note reaches the projector exactly once, ``metrics`` holds latencies and a
process's CPU and memory, ``setup`` gets a workshop through the console, ``report`` prints it.
"""
