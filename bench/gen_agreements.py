#!/usr/bin/env python3
"""Writes bench/agreements/bench-01.toml .. bench-20.toml (deterministic).

Each agreement covers 10 of the 200 benchmark ISRCs (QZBEN2600001..200, see
examples/gen_statement.rs), accounts in USD, and has 2 to 4 parties paid
"points" of net receipts per source. Only the plain keys of SPEC 2.2 are
used (id, title, currency, signed, [[track]], [[party]], [rates.<party>]).
The files are committed; rerun this only to change them.
"""
from pathlib import Path

OUT = Path(__file__).resolve().parent / "agreements"

# (id, name, role, sources it is paid on)
PARTIES = [
    ("ava", "Ava Stone", "producer",
     ["streaming", "download", "physical", "video", "sync", "licensing"]),
    ("ben", "Ben Ortiz", "mixer", ["streaming", "download", "video"]),
    ("cy", "Cy Marlowe", "programmer", ["streaming", "physical", "sync"]),
    ("dee", "Dee Park", "engineer", ["streaming", "video", "performance"]),
]
# Base points per source; varied per agreement and party below.
BASE = {"streaming": 40, "download": 45, "physical": 30, "video": 35,
        "sync": 150, "licensing": 100, "performance": 20}  # tenths of a percent


def pct(tenths: int) -> str:
    whole, frac = divmod(tenths, 10)
    return f'"{whole}%"' if frac == 0 else f'"{whole}.{frac}%"'


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for a in range(1, 21):
        n_parties = 2 + (a % 3)  # 2, 3 or 4
        first = 10 * (a - 1) + 1
        lines = [
            f'id = "bench-{a:02d}"',
            f'title = "Benchmark catalogue {a:02d}"',
            'currency = "USD"',
            f"signed = 2025-{1 + (a % 12):02d}-{1 + (a % 27):02d}",
            "",
        ]
        for i in range(first, first + 10):
            lines += ["[[track]]", f'isrc = "QZBEN26{i:05d}"',
                      f'title = "Bench Track {i}"', ""]
        parties = PARTIES[:n_parties]
        for pid, name, role, _ in parties:
            lines += ["[[party]]", f'id = "{pid}"', f'name = "{name}"',
                      f'role = "{role}"', ""]
        for k, (pid, _, _, sources) in enumerate(parties):
            lines.append(f"[rates.{pid}]")
            for s in sources:
                # +-1.5 points of variation, deterministic.
                tenths = BASE[s] + ((a * 7 + k * 13 + len(s)) % 31) - 15
                if k > 0:
                    tenths = tenths * 2 // 3
                lines.append(f"{s} = {pct(tenths)}")
            lines.append("")
        (OUT / f"bench-{a:02d}.toml").write_text("\n".join(lines).rstrip() + "\n")


if __name__ == "__main__":
    main()
