"""Reads the oha JSON results of benches/gateway/run.sh.

  summarize.py sustained RESULT.json RATE MAX_P99_MS
      exits 0 when the run sustained RATE: no error, at least 95 % of RATE achieved and
      p99 under MAX_P99_MS; otherwise prints why and exits 1.
  summarize.py report DIR RATES STEP_RATES MAX_P99_MS DURATION LATENCY_MS CHUNKS
      prints the Markdown tables of BENCHMARKS.md, "Gateway".
"""

import json
import os
import sys

TARGETS = ("direct", "modelrt", "litellm")
GATEWAYS = ("modelrt", "litellm")
PERCENTILES = ("p50", "p90", "p99")
# Whole requests per second achieved, as a share of the rate asked for, to count as sustained.
SUSTAINED_SHARE = 0.95


def read(path):
    with open(path) as f:
        return json.load(f)


def counts(result):
    """(successful requests, failed requests): a non-2xx status or a transport error fails."""
    ok = failed = 0
    for status, n in result.get("statusCodeDistribution", {}).items():
        if status.startswith("2"):
            ok += n
        else:
            failed += n
    failed += sum(result.get("errorDistribution", {}).values())
    return ok, failed


def latency_ms(result, percentile):
    value = result["latencyPercentiles"].get(percentile)
    return None if value is None else value * 1000


def why_not_sustained(result, rate, max_p99_ms):
    ok, failed = counts(result)
    achieved = result["summary"]["requestsPerSec"] or 0
    p99 = latency_ms(result, "p99")
    if failed:
        return "%d of %d requests failed" % (failed, ok + failed)
    if achieved < SUSTAINED_SHARE * rate:
        return "%.0f of %d requests per second achieved" % (achieved, rate)
    if p99 is None or p99 > max_p99_ms:
        return "p99 %s ms over %s ms" % (p99, max_p99_ms)
    return None


def sustained(path, rate, max_p99_ms):
    reason = why_not_sustained(read(path), int(rate), float(max_p99_ms))
    if reason:
        print("   not sustained: " + reason, file=sys.stderr)
        sys.exit(1)


def cell(value, digits=2):
    return "n/a" if value is None else "%.*f" % (digits, value)


def report(folder, rates, step_rates, max_p99_ms, duration, latency_ms_, chunks):
    rates, step_rates = rates.split(), step_rates.split()
    seconds = float(duration.rstrip("s"))

    def result(target, mode, rate):
        path = os.path.join(folder, "%s-%s-%s.json" % (target, mode, rate))
        return read(path) if os.path.exists(path) else None

    def cpu_percent(target, mode, rate):
        path = os.path.join(folder, "%s-%s-%s.cpu" % (target, mode, rate))
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return float(f.read()) / seconds * 100

    with open(os.path.join(folder, "versions")) as f:
        versions = f.read().strip().replace("\n", "; ")
    with open(os.path.join(folder, "uptime")) as f:
        uptime = f.read().strip()
    print("%s; mock: %s ms to first byte, %s chunks per stream; %s per point" % (
        versions, latency_ms_, chunks, duration))
    print("at the end: %s" % uptime)
    print()
    print("Overhead = latency through the gateway minus straight to the mock, same rate, in ms"
          " (the `direct` rows are the mock's own latency). CPU: the process tree during the"
          " run, % of one core.")
    print()
    print("| request | RPS | path | p50 | p90 | p99 | failed / total | CPU % |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for mode in ("plain", "stream"):
        for rate in rates:
            direct = result("direct", mode, rate)
            for target in TARGETS:
                run = result(target, mode, rate)
                if run is None:
                    continue
                values = []
                for p in PERCENTILES:
                    value = latency_ms(run, p)
                    if target != "direct":
                        base = latency_ms(direct, p) if direct else None
                        value = None if value is None or base is None else value - base
                    values.append(cell(value))
                ok, failed = counts(run)
                print("| %s | %s | %s | %s | %d / %d | %s |" % (
                    mode, rate, target if target == "direct" else target + " overhead",
                    " | ".join(values), failed, ok + failed,
                    cell(cpu_percent(target, mode, rate), 0)))
    print()
    print("Highest sustained rate: plain requests stepped through %s RPS; sustained = no"
          " failed request, >= %d %% of the rate achieved, p99 <= %s ms." % (
              ", ".join(step_rates), SUSTAINED_SHARE * 100, max_p99_ms))
    print()
    print("| path | highest sustained RPS | first rate not sustained | peak RSS MiB |")
    print("|---|---:|---|---:|")
    for target in TARGETS:
        best, first_failure = None, "none up to %s" % step_rates[-1]
        for rate in step_rates:
            run = result(target, "step", rate)
            if run is None:
                first_failure = "%s not run" % rate
                break
            reason = why_not_sustained(run, int(rate), float(max_p99_ms))
            if reason:
                first_failure = "%s (%s)" % (rate, reason)
                break
            best = rate
        with open(os.path.join(folder, target + ".rss")) as f:
            rss = int(f.read()) / 1024
        print("| %s | %s | %s | %.0f |" % (target, best or "none", first_failure, rss))


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "sustained":
        sustained(*arguments)
    elif command == "report":
        report(*arguments)
    else:
        sys.exit(__doc__)
