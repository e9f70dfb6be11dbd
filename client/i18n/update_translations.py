#!/usr/bin/env python3
"""Brings hopso_vi.ts and hopso_en.ts up to date with every client folder.

    client/i18n/update_translations.py [--lupdate PATH]

Runs lupdate over client/{ui,viewer,model,net,scan,i18n} (tests left out)
into a scratch file, then fixes the contexts that Qt 6.4's lupdate gets
wrong for this code base, and carries every existing translation over:

- lupdate does not understand `namespace hopso::client {`, so a Q_OBJECT
  class's strings land under "LoginWindow" while tr() looks them up under
  "hopso::client::LoginWindow" at run time;
- `Helper::tr(...)` of a helper class declared with
  Q_DECLARE_TR_FUNCTIONS(Other) is looked up under "Other".

New strings come out unfinished; translate them in the .ts files (Qt
Linguist or by hand) and run client/i18n's test, which fails while any is
left. Existing translations are matched by (context, source, comment).
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT = os.path.dirname(HERE)
FOLDERS = ["ui", "viewer", "model", "net", "scan", "i18n"]
NAMESPACE = "hopso::client::"


def sources():
    files = []
    for folder in FOLDERS:
        for pattern in ("*.h", "*.cc"):
            files += [f for f in glob.glob(os.path.join(CLIENT, folder, pattern))
                      if not f.endswith("_test.cc")]
    return sorted(files)


def runtime_contexts(files):
    """Q_OBJECT class names, and helper class -> Q_DECLARE_TR_FUNCTIONS context."""
    qobjects, declared, literals = set(), {}, set()
    class_re = re.compile(r"\b(?:class|struct)\s+(\w+)[^;{]*\{")
    for path in files:
        text = open(path, encoding="utf-8").read()
        for match in class_re.finditer(text):
            body = text[match.end():match.end() + 400]
            if re.match(r"\s*Q_OBJECT\b", body):
                qobjects.add(match.group(1))
            declare = re.match(r"\s*(?:public:\s*)?Q_DECLARE_TR_FUNCTIONS\(([\w:]+)\)", body)
            if declare:
                declared[match.group(1)] = declare.group(1)
                literals.add(declare.group(1))
    return qobjects, declared, literals


def fix_context(name, qobjects, declared, literals):
    if "::" in name:
        return name
    if name in declared:
        return declared[name]
    if name in literals:
        return name
    if name in qobjects:
        return NAMESPACE + name
    return name


def key(context, message):
    source = message.findtext("source") or ""
    comment = message.findtext("comment") or ""
    return (context, source, comment)


def existing(path):
    done = {}
    if not os.path.exists(path):
        return done
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("unfinished", "vanished",
                                                                  "obsolete"):
                continue
            done[key(name, message)] = translation
    return done


def update(ts_path, lupdate, files, contexts):
    language = "vi_VN" if ts_path.endswith("_vi.ts") else "en_GB"
    with tempfile.TemporaryDirectory() as scratch:
        fresh = os.path.join(scratch, os.path.basename(ts_path))
        subprocess.run([lupdate, "-silent", "-no-obsolete", "-locations", "none",
                        "-target-language", language, *files, "-ts", fresh], check=True,
                       stderr=subprocess.DEVNULL)
        tree = ET.parse(fresh)
    old = existing(ts_path)
    root = tree.getroot()
    merged = {}
    # Contexts renamed into one (e.g. a helper's and its class's) are merged.
    for context in list(root.iter("context")):
        name = fix_context(context.findtext("name"), *contexts)
        context.find("name").text = name
        if name in merged:
            for message in context.findall("message"):
                merged[name].append(message)
            root.remove(context)
        else:
            merged[name] = context
    missing = 0
    for context in root.iter("context"):
        name = context.findtext("name")
        seen = set()
        for message in list(context.findall("message")):
            k = key(name, message)
            if k in seen:
                context.remove(message)
                continue
            seen.add(k)
            translation = message.find("translation")
            if k in old:
                message.remove(translation)
                message.append(old[k])
            else:
                missing += 1
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    with open(ts_path, "r+", encoding="utf-8") as f:
        text = f.read().replace("<?xml version='1.0' encoding='utf-8'?>",
                                '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>')
        f.seek(0)
        f.write(text + ("" if text.endswith("\n") else "\n"))
        f.truncate()
    print(f"{os.path.relpath(ts_path)}: {missing} string(s) to translate")
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lupdate", default="/usr/lib/qt6/bin/lupdate")
    args = parser.parse_args()
    files = sources()
    contexts = runtime_contexts(files)
    for language in ("vi", "en"):
        update(os.path.join(HERE, f"hopso_{language}.ts"), args.lupdate, files, contexts)


if __name__ == "__main__":
    sys.exit(main())
