//! Pathway diagrams: the Mermaid text for the example, DOT that Graphviz
//! accepts, well-formed SVG with one group per node, and labels full of
//! characters each format treats specially.

mod programs;

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
    let file = parser::parse(text).complete().expect("parses");
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

/// Runs `program args` with `input` on stdin.
fn pipe(program: &std::path::Path, args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The pathways whose DOT and SVG are handed to Graphviz and Python.
fn every_rendering() -> Vec<Rendered> {
    let mut all = vec![example(), render(AWKWARD).remove(0)];
    all.extend(render(EMPTY_AND_ENTRYLESS));
    all
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
        assert!(
            quotes.is_multiple_of(2) && !tag.contains('<'),
            "bad tag <{tag}>"
        );
        if let Some(closing) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(closing.trim()), "mismatched </{closing}>");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap_or(""));
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
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
fn dot_for_the_example_is_a_left_to_right_digraph() {
    let dot = example().dot;
    assert!(dot.starts_with("digraph ") && dot.contains("rankdir=LR"));
    assert_dot_strings_closed(&dot);
}

#[test]
#[cfg_attr(
    not(run_graphviz_tests),
    ignore = "Graphviz `dot` is not on PATH; apt-get install graphviz, \
              or run with CI=true to make this a failure"
)]
fn graphviz_accepts_every_dot_rendering() {
    let dot = programs::require(&programs::GRAPHVIZ);
    for r in every_rendering() {
        let out = pipe(&dot, &["-Tsvg"], &r.dot);
        assert!(
            out.status.success() && !out.stdout.is_empty(),
            "dot rejected:\n{}\n{}",
            r.dot,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
#[cfg_attr(
    not(run_python_tests),
    ignore = "python3 is not on PATH; apt-get install python3, \
              or run with CI=true to make this a failure"
)]
fn pythons_xml_parser_accepts_every_svg_rendering() {
    let python = programs::require(&programs::PYTHON);
    let script = "import sys, xml.etree.ElementTree as E; E.fromstring(sys.stdin.buffer.read())";
    for r in every_rendering() {
        let out = pipe(&python, &["-c", script], &r.svg);
        assert!(
            out.status.success(),
            "not well-formed XML:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Without Graphviz or Python their tests are ignored, or fail when built
/// under CI=true; run anyway, they fail. They never pass.
#[test]
fn without_graphviz_or_python_their_tests_are_ignored_or_fail_never_pass() {
    for (test, ran, what) in [
        (
            "graphviz_accepts_every_dot_rendering",
            cfg!(run_graphviz_tests),
            "Graphviz",
        ),
        (
            "pythons_xml_parser_accepts_every_svg_rendering",
            cfg!(run_python_tests),
            "Python 3",
        ),
    ] {
        let out = programs::rerun_without_programs(test, false);
        let text = String::from_utf8_lossy(&out.stdout);
        if ran {
            assert!(text.contains(&format!("test {test} ... FAILED")), "{text}");
        } else {
            assert!(
                text.contains(&format!("test {test} ... ignored, ")),
                "{text}"
            );
            assert!(text.contains("0 passed; 0 failed; 1 ignored"), "{text}");
        }
        // libtest prints a failed test's panic on stdout.
        let out = programs::rerun_without_programs(test, true);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{text}");
        assert!(text.contains(&format!("{what} is not on PATH")), "{text}");
    }
}

#[test]
fn svg_for_the_example_has_a_group_per_node_and_marks_findings() {
    let r = example();
    assert_xml_well_formed(&r.svg);
    assert_eq!(r.svg.matches("<g class=\"node\"").count(), r.nodes);
    assert_eq!(r.nodes, 9);
    assert!(r.svg.contains(">Hip and knee osteoarthritis</text>"));
    let ortho = node_group(&r.svg, "ortho");
    assert!(ortho.contains("stroke=\"#dc2626\""), "{ortho}");
    assert!(ortho.contains("<title>Orthopaedic surgery&#10;kind: secondary"));
    for rule in ["bmi-threshold", "smoking-restriction"] {
        assert!(ortho.contains(rule), "{rule} missing from {ortho}");
    }
    // The criteria the findings are about are drawn inside the box, broken
    // between criteria.
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    let rect = &ortho[ortho.find("<rect").unwrap()..];
    let (top, height) = (attr(rect, "y"), attr(rect, "height"));
    let lines: Vec<(f64, &str)> = ortho
        .match_indices("<text class=\"requires\"")
        .map(|(at, _)| {
            let tag = &ortho[at..];
            let text = &tag[tag.find('>').unwrap() + 1..tag.find("</text>").unwrap()];
            (attr(tag, "y"), text)
        })
        .collect();
    assert_eq!(
        lines.iter().map(|(_, t)| *t).collect::<Vec<_>>(),
        ["requires bmi &lt; 40,", "smoking == false"]
    );
    for (y, _) in &lines {
        assert!(*y > top && *y < top + height, "{y} outside {top}+{height}");
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
    assert_dot_strings_closed(&r.dot);

    assert_xml_well_formed(&r.svg);
    assert_eq!(r.svg.matches("<g class=\"node\"").count(), r.nodes);
    assert!(r
        .svg
        .contains(">GP &quot;front&quot; &lt;door&gt; &amp; #1</text>"));
    assert!(r.svg.contains(">Q &quot;x&quot; &lt;y&gt; &amp; #z</text>"));
}

const EMPTY_AND_ENTRYLESS: &str = "pathway \"Empty\" { }\npathway \"Ring\" {\n  service a: \"A\"\n  service b: \"B\"\n  a -> b\n  b -> a\n}\n";

#[test]
fn empty_and_entryless_pathways_render() {
    for r in render(EMPTY_AND_ENTRYLESS) {
        assert_xml_well_formed(&r.svg);
        assert_eq!(r.svg.matches("<g class=\"node\"").count(), r.nodes);
        assert!(r.mermaid.starts_with("flowchart LR\n"));
        assert_dot_strings_closed(&r.dot);
    }
}

/// `graph` over several pathways writes one flowchart, each pathway a
/// subgraph with its own node IDs, which `import` reads back: two
/// `flowchart` blocks in one file would be neither.
#[test]
fn several_pathways_make_one_flowchart_of_subgraphs() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(["graph", "fixtures/examples/"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("flowchart LR").count(), 1, "{text}");
    assert_eq!(text.matches("\n  subgraph s").count(), 2, "{text}");
    assert_eq!(text.matches("\n  end\n").count(), 2, "{text}");
    assert!(
        text.contains("    n_gp([") && text.contains("    p2_n_gp(["),
        "{text}"
    );
    // Links are counted across the subgraphs, as Mermaid counts them.
    let links = text.matches(" --> ").count() + text.matches(" -->|").count();
    for line in text
        .lines()
        .filter(|l| l.trim_start().starts_with("linkStyle"))
    {
        let n: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert!(n < links, "{line}");
    }
    let dir = tempfile::tempdir().unwrap();
    let mmd = dir.path().join("two.mmd");
    std::fs::write(&mmd, &text).unwrap();
    let imported = Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(["import", mmd.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(imported.status.code(), Some(0), "{imported:?}");
    let pathway = String::from_utf8(imported.stdout).unwrap();
    assert!(pathway.contains("p2_n_gp"), "{pathway}");
}
