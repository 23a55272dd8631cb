//! Pathway diagrams: the Mermaid text for the example, DOT that Graphviz
//! accepts, well-formed SVG with one group per node, and labels full of
//! characters each format treats specially.

use std::io::Write as _;
use std::process::{Command, Stdio};

use msklint::check::Linter;
use msklint::diagram;
use msklint::graph::PathwayGraph;
use msklint::parser;

/// The three renderings of one pathway, and its node count.
struct Rendered {
    mermaid: String,
    dot: String,
    svg: String,
    nodes: usize,
}

/// Checks `text` with the built-in rules and renders every pathway in it.
fn render(text: &str) -> Vec<Rendered> {
    let linter = Linter::builtin().unwrap();
    let findings = linter
        .check_text("test.pathway", text.to_string())
        .diagnostics;
    let file = parser::parse(text).file.expect("parses");
    file.pathways
        .iter()
        .map(|p| {
            let g = PathwayGraph::build(p, &mut Vec::new());
            let marks = diagram::marks(&findings, g.name());
            Rendered {
                mermaid: diagram::mermaid::render(&g, &marks),
                dot: diagram::dot::render(&g, &marks),
                svg: diagram::svg::render(&g, &marks),
                nodes: g.nodes.len(),
            }
        })
        .collect()
}

fn example() -> Rendered {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/examples/hip-knee-oa.pathway"
    );
    let text = std::fs::read_to_string(path).unwrap();
    render(&text).remove(0)
}

/// Labels with quotes, markup, entities, `#`, `|`, brackets and a newline
/// escape, plus a route back, a self-loop and an unreachable node.
const AWKWARD: &str = r#"pathway "Q \"x\" <y> & #z" {
  entry gp: "GP \"front\" <door> & #1\nsecond" { kind: gp }
  service s: "S [a] (b) {c} | d `e` \\n" { kind: community }
  service lone: "Nobody & nothing" { kind: work }
  exit out: "Out \"done\"" { }
  gp -> s when "if \"urgent\" & <48h> #tag | x"
  s -> s when "again"
  s -> gp
  s -> out
  lone -> out
}
"#;

/// Runs `program args` with `input` on stdin; None if it is not installed.
fn pipe(program: &str, args: &[&str], input: &str) -> Option<std::process::Output> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    Some(child.wait_with_output().unwrap())
}

fn assert_dot_accepted(dot: &str) {
    assert_dot_strings_closed(dot);
    match pipe("dot", &["-Tsvg"], dot) {
        Some(out) => assert!(
            out.status.success() && !out.stdout.is_empty(),
            "dot rejected:\n{dot}\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        None => eprintln!("skipped: Graphviz `dot` is not on PATH"),
    }
}

/// Every DOT string closes on its own line, with escapes honoured.
fn assert_dot_strings_closed(dot: &str) {
    for line in dot.lines() {
        let (mut open, mut escaped) = (false, false);
        for c in line.chars() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') if open => escaped = true,
                (false, '"') => open = !open,
                _ => {}
            }
        }
        assert!(!open, "unclosed string in DOT line: {line}");
    }
}

/// A small well-formedness check that needs nothing installed: tags nest,
/// attribute values are quoted without `<`, and every `&` starts an entity.
fn assert_xml_well_formed(xml: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(['<', '&']) {
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix('&') {
            let entity = after.split_once(';').map_or("", |(e, _)| e);
            // a named entity, or a numeric character reference (`&#10;`)
            let numeric = entity
                .strip_prefix('#')
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            assert!(
                numeric || ["amp", "lt", "gt", "quot", "apos"].contains(&entity),
                "bare & before {:?}",
                after.chars().take(20).collect::<String>()
            );
            rest = after;
            continue;
        }
        let end = tail.find('>').expect("tag closes");
        let tag = &tail[1..end];
        rest = &tail[end + 1..];
        let quotes = tag.matches('"').count();
        assert!(quotes % 2 == 0 && !tag.contains('<'), "bad tag <{tag}>");
        if let Some(closing) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(closing.trim()), "mismatched </{closing}>");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap_or(""));
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
}

/// Parses with Python's XML parser too, when python3 is installed.
fn assert_xml_parses(xml: &str) {
    assert_xml_well_formed(xml);
    let script = "import sys, xml.etree.ElementTree as E; E.fromstring(sys.stdin.buffer.read())";
    match pipe("python3", &["-c", script], xml) {
        Some(out) => assert!(
            out.status.success(),
            "not well-formed XML:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        None => eprintln!("skipped the python3 XML parse: python3 is not on PATH"),
    }
}

/// The `<g class="node">` group for `id`.
fn node_group<'a>(svg: &'a str, id: &str) -> &'a str {
    let start = svg
        .find(&format!("<g class=\"node\" id=\"node-{id}\">"))
        .unwrap_or_else(|| panic!("no group for {id}"));
    let len = svg[start..].find("</g>").unwrap();
    &svg[start..start + len]
}

#[test]
fn mermaid_for_the_example() {
    insta::assert_snapshot!(example().mermaid);
}

#[test]
fn dot_for_the_example_is_accepted_by_graphviz() {
    let dot = example().dot;
    assert!(dot.starts_with("digraph ") && dot.contains("rankdir=LR"));
    assert_dot_accepted(&dot);
}

#[test]
fn svg_for_the_example_has_a_group_per_node_and_marks_findings() {
    let r = example();
    assert_xml_parses(&r.svg);
    assert_eq!(r.svg.matches("<g class=\"node\"").count(), r.nodes);
    assert_eq!(r.nodes, 9);
    assert!(r.svg.contains(">Hip and knee osteoarthritis</text>"));
    let ortho = node_group(&r.svg, "ortho");
    assert!(ortho.contains("stroke=\"#dc2626\""), "{ortho}");
    assert!(ortho.contains("<title>Orthopaedic surgery&#10;kind: secondary"));
    for rule in ["bmi-threshold", "smoking-restriction"] {
        assert!(ortho.contains(rule), "{rule} missing from {ortho}");
    }
    // No findings, no outline.
    assert!(!node_group(&r.svg, "fcp").contains("#dc2626"));
}

#[test]
fn awkward_labels_keep_every_format_intact() {
    let r = render(AWKWARD).remove(0);

    let gp = r
        .mermaid
        .lines()
        .find(|l| l.trim_start().starts_with("n_gp("))
        .unwrap();
    assert_eq!(
        gp.trim(),
        "n_gp([\"GP #quot;front#quot; #lt;door#gt; #amp; #35;1<br/>second<br/>gp\"])"
    );
    assert!(r
        .mermaid
        .contains("n_s[\"S [a] (b) {c} #124; d #96;e#96; #92;\u{2060}n<br/>community\"]"));
    assert!(r
        .mermaid
        .contains("n_gp -->|\"if #quot;urgent#quot; #amp; #lt;48h#gt; #35;tag #124; x\"| n_s"));
    // Inside every quoted text only entity codes and <br/> remain.
    for line in r.mermaid.lines().filter(|l| l.contains('"')) {
        let inner = &line[line.find('"').unwrap() + 1..line.rfind('"').unwrap()];
        let bare = inner.replace("<br/>", "");
        assert!(!bare.contains(['"', '<', '>', '|', '`']), "{line}");
        for (i, _) in bare.match_indices('#') {
            let entity = bare[i..].split(';').next().unwrap();
            assert!(
                ["#quot", "#lt", "#gt", "#amp", "#35", "#124", "#96", "#92"].contains(&entity),
                "{line}"
            );
        }
    }

    assert!(r
        .dot
        .contains("label=\"GP \\\"front\\\" <door> &amp; #1\\nsecond\\ngp\""));
    assert_dot_accepted(&r.dot);

    assert_xml_parses(&r.svg);
    assert_eq!(r.svg.matches("<g class=\"node\"").count(), r.nodes);
    assert!(r
        .svg
        .contains(">GP &quot;front&quot; &lt;door&gt; &amp; #1</text>"));
    assert!(r.svg.contains(">Q &quot;x&quot; &lt;y&gt; &amp; #z</text>"));
}

#[test]
fn empty_and_entryless_pathways_render() {
    let text = "pathway \"Empty\" { }\npathway \"Ring\" {\n  service a: \"A\"\n  service b: \"B\"\n  a -> b\n  b -> a\n}\n";
    for r in render(text) {
        assert_xml_parses(&r.svg);
        assert_eq!(r.svg.matches("<g class=\"node\"").count(), r.nodes);
        assert!(r.mermaid.starts_with("flowchart LR\n"));
        assert_dot_accepted(&r.dot);
    }
}
