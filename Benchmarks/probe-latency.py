#!/usr/bin/env python3
"""Wall time and the agent's own CPU time (user + sys, from its rusage) of `edca-agent probe` against one host of
the simulated lab (scripts/lab) at 0 ms added latency. Each run is a whole process: start, load controls, connect,
verify the host key, authenticate, run the probe, parse, evaluate, print.

Usage: Benchmarks/probe-latency.py [RUNS]   (default 30; builds release binaries and starts/stops the lab)
"""
import os
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)
subprocess.run(["swift", "build", "-c", "release", "--product", "edca-agent"], check=True, stdout=subprocess.DEVNULL)
agent = os.path.join(
    subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], check=True, capture_output=True, text=True)
    .stdout.strip(), "edca-agent")
subprocess.run(["scripts/lab", "start"], check=True, stdout=subprocess.DEVNULL)
try:
    user = subprocess.run(["id", "-un"], check=True, capture_output=True, text=True).stdout.strip()
    command = [agent, "probe", "127.0.0.11", "--port", "2222", "--user", user, "--identity", ".lab/client_ed25519",
               "--known-hosts", ".lab/known_hosts", "--format", "json"]
    walls, cpus = [], []
    for _ in range(runs + 2):
        started = time.monotonic()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"probe failed: {child.stderr.read().decode()}")
        walls.append(wall)
        cpus.append(usage.ru_utime + usage.ru_stime)
    walls, cpus = walls[2:], cpus[2:]  # the first two warm the page cache
    def ms(values, q):
        return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else values[0] * 1000
    print(f"runs: {runs} (edca-agent probe, release build, one host, 0 ms added latency, whole process each run)")
    print(f"wall time per host:  median {statistics.median(walls) * 1000:.1f} ms, p95 {ms(walls, 95):.1f} ms")
    print(f"agent CPU per host:  median {statistics.median(cpus) * 1000:.1f} ms (user + sys of the agent process)")
finally:
    subprocess.run(["scripts/lab", "stop"], check=True)
