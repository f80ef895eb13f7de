#!/usr/bin/env python3
"""Event sizes of a spool (issue 14): bytes per event class, the median Compliance Finding, bytes per reached host
and per scan, and where a finding's bytes go (per member, at the top level and one level down).

    Benchmarks/event-sizes.py SPOOL_FILE...     (NDJSON files as the agent writes them; bytes include the newline)

Python 3, no packages. It reads the lines as written: a member's bytes are those of `"name":value,` in the line's
own compact form (json.dumps with the agent's separators, ensure_ascii off), so the parts add up to the line.
"""
import json
import statistics
import sys
from collections import defaultdict


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def member_bytes(name, value):
    return len(('"%s":' % name).encode()) + len(compact(value).encode()) + 1  # the comma or closing brace


def main(paths):
    findings, per_run_host, per_run = [], defaultdict(int), defaultdict(int)
    reached = set()
    classes = defaultdict(list)
    top = defaultdict(int)
    nested = defaultdict(int)
    for path in paths:
        with open(path, "rb") as handle:
            for raw in handle:
                size = len(raw)
                event = json.loads(raw)
                run = event["metadata"].get("correlation_uid", "?")
                host = (event.get("device") or {}).get("hostname")
                classes[event["class_uid"]].append(size)
                per_run[run] += size
                if host is not None:
                    per_run_host[(run, host)] += size
                if event["class_uid"] == 6007 and host is not None and (event.get("unmapped") or {}).get("reached"):
                    reached.add((run, host))
                if event["class_uid"] != 2003:
                    continue
                findings.append(size)
                for name, value in event.items():
                    top[name] += member_bytes(name, value)
                    if isinstance(value, dict):
                        for inner, item in value.items():
                            nested[name + "." + inner] += member_bytes(inner, item)
                    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
                        for item in value:
                            for inner, part in item.items():
                                nested[name + "[]." + inner] += member_bytes(inner, part)
    count = len(findings)
    print("events per class: " + ", ".join("%d: %d" % (uid, len(sizes)) for uid, sizes in sorted(classes.items())))
    for uid, sizes in sorted(classes.items()):
        print("  class %d: median %d B, mean %d B, largest %d B" % (
            uid, statistics.median(sizes), statistics.mean(sizes), max(sizes)))
    if reached:
        hosts = [per_run_host[key] for key in reached]
        print("bytes per reached host per scan: median %d B, mean %d B (%d host scans)" % (
            statistics.median(hosts), statistics.mean(hosts), len(hosts)))
    print("bytes per run: " + ", ".join("%d B" % size for size in per_run.values()))
    if not count:
        return
    print("\nwhere a finding's bytes go (mean bytes per finding, share of %d findings' %d B):" % (count, sum(findings)))
    total = sum(findings)
    for name, size in sorted(top.items(), key=lambda item: -item[1]):
        print("  %-34s %7.1f  %5.1f%%" % (name, size / count, 100.0 * size / total))
    print("  one level down:")
    for name, size in sorted(nested.items(), key=lambda item: -item[1]):
        if size / count >= 4:
            print("    %-32s %7.1f  %5.1f%%" % (name, size / count, 100.0 * size / total))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
