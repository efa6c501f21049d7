"""Reads pytest's junit.xml: prints 'N passed, M failed, K skipped' and writes the failures list."""
import sys
import xml.etree.ElementTree as ET

junit, failures_path = sys.argv[1], sys.argv[2]
passed, failed, skipped = 0, [], 0
for case in ET.parse(junit).getroot().iter("testcase"):
    name = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
    problem = case.find("failure")
    if problem is None:
        problem = case.find("error")
    if problem is not None:
        first = (problem.get("message") or "").strip().splitlines()
        failed.append(f"{name}  {first[0][:300] if first else problem.tag}")
    elif case.find("skipped") is not None:
        skipped += 1
    else:
        passed += 1
with open(failures_path, "w") as f:
    f.write("".join(line + "\n" for line in failed))
print(f"failures list: {failures_path}")
print(f"{passed} passed, {len(failed)} failed, {skipped} skipped")
