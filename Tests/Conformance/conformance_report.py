"""Summarises the runs of scripts/conformance.sh.

usage: conformance_report.py RESULTS_DIR EXPECTATIONS --modules M... --auths A...
                             [--full-set] [--strict-xpass]

RESULTS_DIR holds MODULE.AUTH.json files written by conformance_plugin.py.
Prints a table (module, auth, ran, passed, failed, xfailed, xpassed, skipped,
seconds), the unexpected failures with their first failure line, the listed
tests that passed, and ends with the line `N passed, N failed` (N failed
counts unexpected failures, plus one for each run that did not complete).
Exit status 1 when a test failed unexpectedly, a run did not finish (no results, or pytest stopped with an
error), or -- with --full-set -- the expectations file lists more than 10% of
the tests; with --strict-xpass also when a listed test passed.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conformance_plugin import is_flaky, load_expectations  # noqa: E402

MAX_LISTED_SHARE = 0.10


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results_dir")
    parser.add_argument("expectations")
    parser.add_argument("--modules", nargs="+", required=True)
    parser.add_argument("--auths", nargs="+", required=True)
    parser.add_argument("--full-set", action="store_true")
    parser.add_argument("--strict-xpass", action="store_true")
    parser.add_argument("--filtered", action="store_true", help="-k was given: skip the stale-entry check")
    args = parser.parse_args()

    rows = []
    unexpected, xpassed, broken = [], [], []
    totals = dict(ran=0, passed=0, failed=0, xfailed=0, xpassed=0, skipped=0, seconds=0.0)
    collected = {}  # auth -> set of test keys
    for module in args.modules:
        for auth in args.auths:
            path = os.path.join(args.results_dir, f"{module}.{auth}.json")
            if not os.path.exists(path):
                broken.append(f"{module} [{auth}]: no results (pytest did not finish; see {module}.{auth}.log)")
                rows.append((module, auth, None))
                continue
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            collected.setdefault(auth, set()).update(data["collected"])
            if data["exitstatus"] not in (0, 1):
                broken.append(f"{module} [{auth}]: pytest exit status {data['exitstatus']} (see {module}.{auth}.log)")
            counts = dict(ran=0, passed=0, failed=0, xfailed=0, xpassed=0, skipped=0, seconds=data.get("seconds", 0.0))
            for test in data["tests"]:
                outcome = test["outcome"]
                if outcome == "skipped":
                    counts["skipped"] += 1
                    continue
                counts["ran"] += 1
                if outcome in ("passed", "xpassed"):
                    counts["passed"] += 1
                    if outcome == "xpassed" and not is_flaky(test["reason"]):
                        counts["xpassed"] += 1
                        xpassed.append(f"{test['test']} [{auth}]")
                elif outcome == "xfailed":
                    counts["xfailed"] += 1
                else:
                    counts["failed"] += 1
                    first = next((f for f in test["failures"] if not f["expected"]), test["failures"][0])
                    where = "" if first["phase"] == "call" else f" (in {first['phase']})"
                    unexpected.append(f"{test['test']} [{auth}]{where}: {first['message']}")
            if not data["tests"] and not args.filtered:
                broken.append(f"{module} [{auth}]: no test ran")
            rows.append((module, auth, counts))
            for name in totals:
                totals[name] += counts[name]

    columns = ["ran", "passed", "failed", "xfailed", "xpassed", "skipped"]
    width = max([len("module")] + [len(m) for m in args.modules])
    header = f"{'module':<{width}}  auth" + "".join(f"{c:>9}" for c in columns) + f"{'seconds':>9}"
    print(header)
    print("-" * len(header))
    for module, auth, counts in rows:
        if counts is None:
            print(f"{module:<{width}}  {auth:<4}" + f"{'(no results)':>{9 * len(columns)}}")
        else:
            print(f"{module:<{width}}  {auth:<4}" + "".join(f"{counts[c]:>9}" for c in columns)
                  + f"{counts['seconds']:>9.0f}")
    print("-" * len(header))
    print(f"{'total':<{width}}  {'':<4}" + "".join(f"{totals[c]:>9}" for c in columns) + f"{totals['seconds']:>9.0f}")

    if totals["xfailed"]:
        print(f"xfailed: {totals['xfailed']}, all listed in {os.path.basename(args.expectations)}")

    status = 0
    if unexpected:
        status = 1
        print(f"\nUnexpected failures ({len(unexpected)}):")
        for line in unexpected:
            print("  " + line)
    if xpassed:
        print(f"\nListed in {os.path.basename(args.expectations)} but passed ({len(xpassed)}); "
              "remove them from the list:")
        for line in xpassed:
            print("  " + line)
        if args.strict_xpass:
            status = 1
    if broken:
        status = 1
        print("\nRuns that did not complete:")
        for line in broken:
            print("  " + line)

    # the expectations file itself: entries that name no test, and its size
    for auth, keys in sorted(collected.items()):
        listed = load_expectations(args.expectations, auth)
        in_scope = {k: r for k, r in listed.items() if k.split("::", 1)[0] in args.modules}
        stale = sorted(k for k in in_scope if k not in keys)
        if stale and not args.filtered:
            print(f"\nEntries of {os.path.basename(args.expectations)} that name no test [{auth}]:")
            for key in stale:
                print("  " + key)
        if args.full_set and keys and len(in_scope) > MAX_LISTED_SHARE * len(keys):
            status = 1
            print(f"\n{os.path.basename(args.expectations)} lists {len(in_scope)} of {len(keys)} tests [{auth}]: "
                  f"more than {MAX_LISTED_SHARE:.0%}")

    print()
    # a run that did not complete counts as one failure, so the line never reads clean then
    print(f"{totals['passed']} passed, {totals['failed'] + len(broken)} failed")
    return status


if __name__ == "__main__":
    sys.exit(main())
