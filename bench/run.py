"""Runs every bench/bench_*.py and prints one table: figure, ours, baseline measured in
the same run, ratio and target. Exits non-zero when a figure misses its target."""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:,.0f} {unit}"


def main() -> int:
    results, failed = run_scripts()
    header = ("figure", "ours", "baseline", "ratio", "target", "")
    rows = []
    for r in results:
        target = r["target"]
        ok = target is None or r["ratio"] <= target
        if not ok:
            failed.append(r["figure"])
        rows.append(
            (
                r["figure"],
                fmt(r["ours"], r["unit"]),
                fmt(r["baseline"], r["unit"]),
                f"{r['ratio']:.2f}×",
                f"≤ {target}×" if target is not None else "report",
                "ok" if ok else "MISSED",
            )
        )
    print_table([header, *rows])
    for r in results:
        if r.get("details"):
            print(f"  {r['figure']}: {r['details']}")
    if failed:
        print("\nfailed:", ", ".join(failed))
        return 1
    return 0


def run_scripts() -> tuple[list[dict], list[str]]:
    """Every bench_*.py in turn: the figures they print (JSON lines), and the scripts that failed."""
    results, failed = [], []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"running {script.name} ...", flush=True)
        proc = subprocess.run([sys.executable, str(script)], cwd=HERE, capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stdout[-2000:], proc.stderr[-4000:], sep="\n")
            failed.append(script.name)
            continue
        results.extend(json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{"))
    return results, failed


def print_table(rows: list[tuple]) -> None:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    print()
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    sys.exit(main())
