#!/usr/bin/env python3
"""Rewrites gen_corpus pathways as BPMN 2.0 XML and as plain YAML, for
scripts/peers.sh (bpmnlint reads the BPMN, Spectral the YAML).

    peers_convert.py CORPUS_DIR BPMN_DIR YAML_DIR

It reads only the regular text gen_corpus writes (one node or route per
line, or a node's properties one per line inside its braces), not the whole
pathway language. Each pathway becomes one BPMN process: entries are start
events, services tasks, exits end events, routes sequence flows (a route's
`when` is the flow's name, its `requires` a condition expression). A plain
diagram interchange section (a grid) is included, as modelling tools write
one and bpmnlint's recommended rules expect it.
"""
import json
import os
import re
import sys
from xml.sax.saxutils import escape, quoteattr

NODE = re.compile(r'^\s*(entry|service|exit) (\w+): ("(?:[^"\\]|\\.)*")\s*(\{.*)?$')
ROUTE = re.compile(r'^\s*([\w, ]+?) -> ([\w, ]+?)(?: when ("(?:[^"\\]|\\.)*"))?(?: requires (.+))?\s*$')
FIELD = re.compile(r'^\s*(\w+): (.+)$')


def value(key, text):
    text = text.strip()
    if text.startswith("["):
        return [w.strip() for w in text[1:-1].split(",") if w.strip()]
    if text.startswith('"'):
        return json.loads(text)
    if key == "requires":
        return [c.strip() for c in text.split(",")]
    return int(text) if text.isdigit() else text


def parse(path):
    doc, nodes = {"pathway": None}, {"entries": [], "services": [], "exits": [], "routes": []}
    open_node = None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.strip().startswith("#"):
            continue
        if open_node is not None:  # inside a multi-line node
            if line.strip() == "}":
                open_node = None
            else:
                key, text = FIELD.match(line).groups()
                open_node[key] = value(key, text)
            continue
        if line.startswith("pathway "):
            doc["pathway"] = json.loads(line[len("pathway "):].rstrip(" {"))
            continue
        m = NODE.match(line)
        if m:
            kind, ident, label, body = m.groups()
            node = {"id": ident, "label": json.loads(label)}
            nodes[{"entry": "entries", "service": "services", "exit": "exits"}[kind]].append(node)
            if body and body.strip() != "{":
                # one-line form: `{ kind: gp  channels: [a, b] }`
                for prop in re.split(r"\s{2,}", body.strip()[1:-1].strip()):
                    key, text = prop.split(":", 1)
                    node[key] = value(key, text)
            elif body:
                open_node = node
            continue
        m = ROUTE.match(line)
        if m and "->" in line:
            src, dst, when, req = m.groups()
            route = {"from": [s.strip() for s in src.split(",")], "to": [d.strip() for d in dst.split(",")]}
            if when:
                route["when"] = json.loads(when)
            if req:
                route["requires"] = value("requires", req)
            nodes["routes"].append(route)
            continue
        m = FIELD.match(line)
        if m and line.startswith("  ") and not line.startswith("   "):
            doc[m.group(1)] = value(m.group(1), m.group(2))
            continue
        if line.strip() == "}":
            continue
        raise SystemExit(f"{path}: cannot read line: {line!r}")
    doc.update(nodes)  # the pathway's fields first, as in the source
    return doc


def to_yaml(doc):
    out = []

    def scalar(v):
        return str(v) if isinstance(v, int) else json.dumps(v, ensure_ascii=False)

    def mapping(d, indent, first_prefix):
        pad = " " * indent
        for i, (k, v) in enumerate(d.items()):
            lead = first_prefix if i == 0 else pad
            if isinstance(v, list) and v and isinstance(v[0], dict):
                out.append(f"{lead}{k}:")
                for item in v:
                    mapping(item, indent + 4, pad + "  - ")
            elif isinstance(v, list):
                out.append(f"{lead}{k}: [{', '.join(scalar(x) for x in v)}]")
            else:
                out.append(f"{lead}{k}: {scalar(v)}")

    mapping(doc, 0, "")
    return "\n".join(out) + "\n"


def to_bpmn(doc, name):
    pid = "p_" + re.sub(r"\W", "_", name)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
             'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
             'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
             'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'id="defs" targetNamespace="https://example.org/msklint-peers">',
             f'  <bpmn:process id={quoteattr(pid)} name={quoteattr(doc["pathway"])} isExecutable="false">']
    flows = []
    for route in doc["routes"]:
        for s in route["from"]:
            for t in route["to"]:
                flows.append((f"f{len(flows)}", s, t, route.get("when"), route.get("requires")))
    ins, outs = {}, {}
    for fid, s, t, _, _ in flows:
        outs.setdefault(s, []).append(fid)
        ins.setdefault(t, []).append(fid)
    nodes = ([("startEvent", n) for n in doc["entries"]] + [("task", n) for n in doc["services"]]
             + [("endEvent", n) for n in doc["exits"]])
    for tag, n in nodes:
        lines.append(f'    <bpmn:{tag} id={quoteattr(n["id"])} name={quoteattr(n["label"])}>')
        if n.get("requires"):
            lines.append(f'      <bpmn:documentation>{escape("requires: " + ", ".join(n["requires"]))}</bpmn:documentation>')
        lines += [f"      <bpmn:incoming>{f}</bpmn:incoming>" for f in ins.get(n["id"], [])]
        lines += [f"      <bpmn:outgoing>{f}</bpmn:outgoing>" for f in outs.get(n["id"], [])]
        lines.append(f"    </bpmn:{tag}>")
    for fid, s, t, when, req in flows:
        attrs = f'id="{fid}"' + (f" name={quoteattr(when)}" if when else "") + f' sourceRef="{s}" targetRef="{t}"'
        if req:
            lines += [f"    <bpmn:sequenceFlow {attrs}>",
                      f'      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(" and ".join(req))}</bpmn:conditionExpression>',
                      "    </bpmn:sequenceFlow>"]
        else:
            lines.append(f"    <bpmn:sequenceFlow {attrs} />")
    lines.append("  </bpmn:process>")
    # Diagram interchange: nodes on a grid of 8 columns, flows as straight lines.
    lines += ['  <bpmndi:BPMNDiagram id="diagram">', f'    <bpmndi:BPMNPlane id="plane" bpmnElement={quoteattr(pid)}>']
    centre = {}
    for i, (tag, n) in enumerate(nodes):
        w, h = (100, 80) if tag == "task" else (36, 36)
        cx, cy = 100 + 160 * (i % 8), 100 + 140 * (i // 8)
        centre[n["id"]] = (cx, cy)
        lines += [f'      <bpmndi:BPMNShape id="{n["id"]}_di" bpmnElement="{n["id"]}">',
                  f'        <dc:Bounds x="{cx - w // 2}" y="{cy - h // 2}" width="{w}" height="{h}" />',
                  "      </bpmndi:BPMNShape>"]
    for fid, s, t, _, _ in flows:
        (x1, y1), (x2, y2) = centre[s], centre[t]
        lines += [f'      <bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}">',
                  f'        <di:waypoint x="{x1}" y="{y1}" />', f'        <di:waypoint x="{x2}" y="{y2}" />',
                  "      </bpmndi:BPMNEdge>"]
    lines += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>", "</bpmn:definitions>"]
    return "\n".join(lines) + "\n"


def main():
    corpus, bpmn_dir, yaml_dir = sys.argv[1:4]
    count = 0
    for folder, _, files in sorted(os.walk(corpus)):
        for f in sorted(files):
            if not f.endswith(".pathway"):
                continue
            doc = parse(os.path.join(folder, f))
            stem = f[: -len(".pathway")]
            with open(os.path.join(bpmn_dir, stem + ".bpmn"), "w", encoding="utf-8") as out:
                out.write(to_bpmn(doc, stem))
            with open(os.path.join(yaml_dir, stem + ".yaml"), "w", encoding="utf-8") as out:
                out.write(to_yaml(doc))
            count += 1
    print(f"converted {count} pathways to BPMN and YAML", file=sys.stderr)


if __name__ == "__main__":
    main()
