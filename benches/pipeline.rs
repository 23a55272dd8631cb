//! Criterion micro-benchmarks of the pipeline stages on one mid-size
//! pathway (2,000 services, about 350 KB), generated in-process by the same
//! code as `examples/gen_corpus.rs`:
//!
//! - `parse`: `msklint::parser::parse` (pest grammar plus AST);
//! - `graph_build`: `PathwayGraph::build` on the parsed AST;
//! - `rules`: every built-in engine rule (`engine::run`) on the built graph;
//! - `check_text`: the whole per-file pipeline, `Linter::check_text`
//!   (parse, names and values, graph, rules, suppressions, sorting);
//! - `format`: `msklint::format::format`, what `msklint fmt` does to the
//!   text (parse, layout, and the parse of its own result that checks it).
//!
//! Run with `cargo bench --bench pipeline`; it is not part of `cargo test`.
//! The end-to-end benchmark of the binary is `scripts/bench.sh`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use msklint::check::Linter;
use msklint::graph::PathwayGraph;
use msklint::parser;
use msklint::rules::engine;
use msklint::source::SourceFile;

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

const SERVICES: usize = 2_000;
const SEED: u64 = 1;

fn pipeline(c: &mut Criterion) {
    let text = gen_corpus::pathway(SEED, 0, SERVICES);
    let linter = Linter::builtin().expect("the built-in rules load");
    let policy = linter.config.policy(&linter.rules, &[]);
    let parsed = parser::parse(&text);
    assert!(
        parsed.diagnostics.is_empty(),
        "generated text must parse cleanly"
    );
    let file = parsed.complete().expect("generated text parses");
    let pathway = &file.pathways[0];
    let source = SourceFile::new("bench.pathway", text.clone());
    let graph = PathwayGraph::build(pathway, &mut Vec::new());

    let mut group = c.benchmark_group(format!("pathway_{SERVICES}_services"));
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse", |b| b.iter(|| parser::parse(black_box(&text))));
    group.bench_function("graph_build", |b| {
        b.iter(|| {
            let mut diags = Vec::new();
            let g = PathwayGraph::build(black_box(pathway), &mut diags);
            black_box(g.edges.len())
        })
    });
    group.bench_function("rules", |b| {
        b.iter(|| {
            let mut diags = Vec::new();
            engine::run(
                &policy.active,
                black_box(&graph),
                &source,
                &linter.measures,
                &mut diags,
            );
            diags
        })
    });
    group.bench_function("check_text", |b| {
        b.iter_batched(
            || text.clone(),
            |t| linter.check_text("bench.pathway", t),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("format", |b| {
        b.iter(|| msklint::format::format(black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
