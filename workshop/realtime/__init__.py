"""Realtime: Socket.IO server, event names, audiences and handlers.

Kept free of imports so ``workshop.realtime.names`` can be used by domain modules without
pulling in Flask-SocketIO.
"""
