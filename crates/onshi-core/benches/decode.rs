//! Decoding a 10,000-unit bulk result (資格確認一括照会結果), as bytes per second and units per second.
//!
//! The message is built from synthetic people by the simulator's own answers, encoded once in each
//! encoding, then decoded (wire) and converted (domain) repeatedly. Run with `cargo bench -p onshi-core`.

use std::{hint::black_box, time::Instant};

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use onshi_core::{
    canned::synthetic,
    domain::{Findings, Qualification},
    random::SeededRandom,
    simulator::{AnswerContext, NationalSide},
    wire::{self, Encoding},
};

const UNITS: usize = 10_000;

fn bulk_result() -> wire::BulkResult {
    let side = NationalSide::with_people(synthetic::people(UNITS, &mut SeededRandom::new(7)));
    let context = AnswerContext {
        now: NaiveDate::from_ymd_opt(2026, 11, 22)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("time"),
        institution_code: "1234567897".to_owned(),
        reference_number: None,
    };
    synthetic::bulk_result(&side, &context)
}

/// The peer: quick-xml reading every event of the UTF-8 text and keeping nothing.
fn baseline(text: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut events = 0usize;
    while !matches!(
        reader.read_event(),
        Ok(quick_xml::events::Event::Eof) | Err(_)
    ) {
        events += 1;
    }
    events
}

fn wire_only(bytes: &[u8]) -> wire::BulkResult {
    wire::BulkResult::decode_with_limit(bytes, wire::BULK_LIMIT).expect("decodes")
}

fn wire_and_domain(bytes: &[u8]) -> usize {
    let decoded = wire_only(bytes);
    let mut findings = Findings::default();
    decoded
        .body
        .units
        .iter()
        .flat_map(|u| u.results.iter())
        .map(|r| Qualification::from_wire(r, &mut findings))
        .count()
}

/// The median of seven timed runs, in seconds.
fn median_seconds(mut run: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..7)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[3]
}

fn decode(c: &mut Criterion) {
    let message = bulk_result();
    for encoding in [Encoding::Utf8, Encoding::ShiftJis] {
        let bytes = message
            .encode(encoding)
            .expect("synthetic data is Shift_JIS-safe");
        let name = format!("{encoding:?}");
        for (unit, throughput) in [
            ("bytes", Throughput::Bytes(bytes.len() as u64)),
            ("units", Throughput::Elements(UNITS as u64)),
        ] {
            let mut group =
                c.benchmark_group(format!("decode 10,000-unit bulk result ({name}, {unit})"));
            group.sample_size(10);
            group.throughput(throughput);
            if encoding == Encoding::Utf8 {
                let text = std::str::from_utf8(&bytes).expect("UTF-8");
                group.bench_function("baseline: quick-xml events only", |b| {
                    b.iter(|| baseline(black_box(text)))
                });
            }
            group.bench_function("wire", |b| b.iter(|| wire_only(black_box(&bytes))));
            group.bench_function("wire + domain", |b| {
                b.iter(|| wire_and_domain(black_box(&bytes)))
            });
            group.finish();
        }
        println!("{name}: {} bytes, {UNITS} units", bytes.len());
    }

    // The ratios against the peer, measured here in the same run (UTF-8, where the peer applies).
    let bytes = message.encode(Encoding::Utf8).expect("encodes");
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    let peer = median_seconds(|| {
        black_box(baseline(black_box(text)));
    });
    let ours = median_seconds(|| {
        black_box(wire_only(black_box(&bytes)));
    });
    let full = median_seconds(|| {
        black_box(wire_and_domain(black_box(&bytes)));
    });
    let mib = bytes.len() as f64 / (1024.0 * 1024.0);
    println!(
        "ratio (UTF-8, median of 7): quick-xml events {:.0} MiB/s; wire {:.0} MiB/s = {:.2}x its speed; \
         wire + domain {:.0} MiB/s = {:.2}x its speed",
        mib / peer,
        mib / ours,
        peer / ours,
        mib / full,
        peer / full,
    );
}

criterion_group!(benches, decode);
criterion_main!(benches);
