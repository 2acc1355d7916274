"""The load test's findings as one JSON-ready dict, and as text for a person."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workshop.loadtest.metrics import Samples

if TYPE_CHECKING:
    from workshop.loadtest.runner import Run


def build_report(state: Run) -> dict[str, Any]:
    """Flat headline fields (what the targets are about) plus the details behind them."""
    options = state.options
    facts = state.facts
    connect_in_tool = state.connect.summary()
    probe = state.probe.result if state.probe is not None else {}
    # Timed by the probe when it ran (phones and a wall in their own process, as real ones are);
    # the tool's own clients queue behind the hundreds of others sharing its process.
    connect = (
        _summary(state.probe.connect_ms)
        if state.probe and state.probe.connect_ms
        else connect_in_tool
    )
    acks_in_tool = state.note_acks.summary()
    acks = _summary(probe["ack_ms"]) if probe.get("ack_ms") else acks_in_tool
    in_tool = state.delivery.latency.summary()
    delivery = _summary(probe["latencies_ms"]) if probe.get("latencies_ms") else in_tool
    storm = facts.get("vote_storm")
    votes_in_tool = state.vote_acks.summary()
    storm_probe = state.probe.storm_result if state.probe is not None else {}
    votes = _summary(storm_probe["ack_ms"]) if storm_probe.get("ack_ms") else votes_in_tool
    resync = state.resync.summary()
    report: dict[str, Any] = {
        "url": options.url,
        "workshop_id": facts.get("workshop_id"),
        "participants": options.participants,
        "connected": facts.get("connected", 0),
        "duration_s": options.duration,
        "notes_per_minute": options.notes_per_minute,
        "connect_p50_ms": connect["p50_ms"],
        "connect_p99_ms": connect["p99_ms"],
        "delivery_p50_ms": delivery["p50_ms"],
        "delivery_p99_ms": delivery["p99_ms"],
        "delivery_max_ms": delivery["max_ms"],
        "ack_p50_ms": acks["p50_ms"],
        "ack_p99_ms": acks["p99_ms"],
        "notes_sent": len(state.delivery.sent_at),
        "notes_acknowledged": len(state.delivery.acked),
        "lost": facts.get("lost", 0),
        "duplicated": facts.get("duplicated", 0),
        "vote_storm_ack_p99_ms": votes["p99_ms"] if storm else None,
        "over_budget": storm["over_budget"] if storm else None,
        "votes_lost": storm["lost"] if storm else None,
        "reconnect_all_resynced_s": facts.get("reconnect_all_s"),
        "errors": state.errors.total,
        "database_busy": state.errors.counts.get("unavailable", 0),
        "server_cpu_percent": None,
        "server_rss_max_mb": None,
        "server_rss_steady_mb": None,
        "details": {
            "join": state.join.summary(),
            "connect": connect,
            "connect_in_tool": connect_in_tool,
            "note_ack": acks,
            "note_ack_in_tool": acks_in_tool,
            "delivery": delivery,
            "delivery_in_tool": in_tool,
            "probe": {
                "phones": state.probe.phones,
                "connected": len(state.probe.connect_ms),
                **{
                    k: v
                    for k, v in probe.items()
                    if k not in ("latencies_ms", "connect_ms", "ack_ms", "stage")
                },
                "vote_storm": {k: v for k, v in storm_probe.items() if k not in ("ack_ms", "stage")}
                or None,
                "connect": connect if state.probe and state.probe.connect_ms else None,
                "delivery": delivery if probe.get("latencies_ms") else None,
            }
            if state.probe is not None
            else None,
            "vote_storm": {**storm, "ack": votes, "ack_in_tool": votes_in_tool} if storm else None,
            "phase_change_resync": {
                **state.phase_resync.summary(),
                "all_s": facts.get("phase_resync_all_s"),
            },
            "reconnect_storm": resync if options.reconnect_storm else None,
            # How the server coalesced facts for the wall (protocol.md, "Batches").
            "projector_batches": {
                "count": state.projector.batches,
                "largest": state.projector.largest_batch,
            }
            if state.projector is not None
            else None,
            "error_counts": dict(state.errors.counts),
            "error_examples": dict(state.errors.examples),
            "server": state.server.summary() if state.server else None,
            "tool": state.tool.summary(),
            "elapsed_s": facts.get("elapsed_s"),
        },
    }
    if state.server is not None:
        server = report["details"]["server"]
        report["server_cpu_percent"] = server["cpu_percent"]
        report["server_rss_max_mb"] = server["rss_max_mb"]
        report["server_rss_steady_mb"] = server["rss_max_mb_by_stage"].get("steady")
    return report


def _summary(values_ms: list[float]) -> dict[str, Any]:
    """count, p50, p99 and max of latencies the probe measured (in ms)."""
    samples = Samples()
    for ms in values_ms:
        samples.add(float(ms) / 1000)
    return samples.summary()


def _s(value: Any) -> str:
    return "– (not all within 60 s)" if value is None else f"{value:.1f} s"


def _ms(value: Any) -> str:
    return "–" if value is None else f"{value:g} ms"


def render_text(report: dict[str, Any]) -> str:
    """A short summary for a terminal."""
    details = report["details"]
    probed = details["probe"] or {}
    lines = [
        f"Workshop {report['workshop_id']} at {report['url']}: "
        f"{report['connected']} of {report['participants']} phones connected",
        f"  connect        p50 {_ms(report['connect_p50_ms'])}   "
        f"p99 {_ms(report['connect_p99_ms'])}" + (" (probe)" if probed.get("connect") else ""),
        f"  note ack       p50 {_ms(report['ack_p50_ms'])}   p99 {_ms(report['ack_p99_ms'])}"
        + (" (probe)" if probed.get("delivery") else ""),
        f"  note → wall    p50 {_ms(report['delivery_p50_ms'])}   p99 "
        f"{_ms(report['delivery_p99_ms'])}   max {_ms(report['delivery_max_ms'])}"
        + (" (probe)" if probed.get("delivery") else ""),
        f"  notes          {report['notes_acknowledged']} acknowledged, {report['lost']} lost, "
        f"{report['duplicated']} duplicated"
        + (f" (and {probed['acknowledged']} from the probe)" if probed.get("acknowledged") else ""),
    ]
    storm = details["vote_storm"]
    if storm:
        lines.append(
            f"  vote storm     ack p99 {_ms(report['vote_storm_ack_p99_ms'])}"
            + (" (probe)" if probed.get("vote_storm") else "")
            + "; "
            f"{storm['accepted']} dots accepted, {storm['stored']} stored, "
            f"{storm['refused']} refused, {storm['over_budget']} over budget"
        )
    phase = details["phase_change_resync"]
    if phase["count"]:
        lines.append(
            f"  phase resync   all phones in {_s(phase['all_s'])} (p99 {_ms(phase['p99_ms'])})"
        )
    if report["reconnect_all_resynced_s"] is not None or details["reconnect_storm"]:
        lines.append(f"  reconnect      all resynced in {_s(report['reconnect_all_resynced_s'])}")
    lines.append(f"  errors         {report['errors']} {details['error_counts'] or ''}".rstrip())
    if probed:
        lines.append(
            f"  (probe)        timed by {probed['phones']} more "
            f"phone{'' if probed['phones'] == 1 else 's'} and a wall in a process of their own, "
            "as real devices are"
        )
    server = details["server"]
    if server:
        cpu = ", ".join(f"{stage} {value:g}%" for stage, value in server["cpu_percent"].items())
        steady = server["rss_max_mb_by_stage"].get("steady")
        rss = f"RSS max {server['rss_max_mb']} MB, steady state {steady} MB"
        lines.append(f"  server         {rss}; CPU {cpu}")
        waiting = ", ".join(
            f"{stage} {value:g}%" for stage, value in server["waiting_for_cpu_percent"].items()
        )
        lines.append(f"                 waiting for a CPU (other processes): {waiting}")
    tool = details["tool"]
    cpu = ", ".join(f"{stage} {value:g}%" for stage, value in tool["cpu_percent"].items())
    lines.append(f"  this tool      RSS max {tool['rss_max_mb']} MB; CPU {cpu}")
    return "\n".join(lines)
