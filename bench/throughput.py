#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Requests per second of running portals under concurrent clients.

    .venv/bin/python bench/throughput.py URL [URL ...] [--clients 8]
        [--seconds 20] [--rounds 3]

Each round measures every URL in turn (interleaved, so that a shared,
loaded machine weighs on all of them alike) with ``--clients`` threads, each
sending a GET and waiting for its answer, over and over, on a new connection
each time (gunicorn's sync workers close every connection). A few seconds of
warm-up precede each measurement. Prints one line per URL and round, then
the median over the rounds: requests per second, p50 and p95 latency,
answers other than 200.
"""
from __future__ import annotations

import argparse
import statistics
import threading
import time

import requests


def measure(url: str, clients: int, seconds: float) -> tuple[float, list[float], int]:
    """(requests per second, latencies in seconds, errors) of ``clients``
    threads hammering ``url`` for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < stop:
            start = time.monotonic()
            try:
                ok = requests.get(url, timeout=60).status_code == 200
            except requests.RequestException:
                ok = False
            took = time.monotonic() - start
            with lock:
                if ok:
                    latencies.append(took)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.monotonic() - began), latencies, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    results: dict[str, list[tuple[float, float, float, int]]] = {u: [] for u in args.urls}
    for round_ in range(1, args.rounds + 1):
        for url in args.urls:
            measure(url, args.clients, args.warmup)
            rate, latencies, errors = measure(url, args.clients, args.seconds)
            p50 = statistics.median(latencies) if latencies else float("nan")
            p95 = (statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1
                   else float("nan"))
            results[url].append((rate, p50, p95, errors))
            print(f"round {round_}  {url}  {rate:6.1f} req/s  p50 {p50 * 1000:6.0f} ms  "
                  f"p95 {p95 * 1000:6.0f} ms  errors {errors}", flush=True)
    print(f"median of {args.rounds} rounds, {args.clients} clients, {args.seconds:g} s each:")
    for url, rows in results.items():
        print(f"  {url}  {statistics.median(r[0] for r in rows):6.1f} req/s  "
              f"p50 {statistics.median(r[1] for r in rows) * 1000:6.0f} ms  "
              f"p95 {statistics.median(r[2] for r in rows) * 1000:6.0f} ms  "
              f"errors {sum(r[3] for r in rows)}")


if __name__ == "__main__":
    main()
