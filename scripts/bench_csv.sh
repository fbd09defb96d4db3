#!/usr/bin/env bash
# Micro benchmark of the CSV tokenizer: MB/s of CSVParser over real export files.
#
#   scripts/bench_csv.sh [FILE...]     default: the 1M work-order exports under $BENCH_DATA (bench-data)
#
# Builds a throwaway executable in $BENCH_DIR (/tmp/followthrough-csvbench) from the CSV sources
# (Sources/FollowThroughCore/CSV, or those of git revision $CSV_REV, or the folder $CSV_SRC) plus a
# small driver, with the release flags FollowThroughCore uses. Each file is read into memory once,
# then parsed RUNS times (5) in 1 MiB slices, the chunk size ExportLoader.stream reads. Prints the
# median and best MB/s per second of the thread's CPU time (steadier than wall time on a shared
# machine), and rows, fields, field bytes and a checksum of lines and field ends, which must not
# change between versions. The callback touches every field, like a consumer; ROWS_ONLY=1 makes it
# count rows only (the tokenizer alone). Nothing here is part of the product.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH_DIR=${BENCH_DIR:-/tmp/followthrough-csvbench}
if [ -n "${CSV_REV:-}" ]; then
  CSV_SRC=$BENCH_DIR/rev-src
  rm -rf "$CSV_SRC" && mkdir -p "$CSV_SRC"
  git archive "$CSV_REV" Sources/FollowThroughCore/CSV | tar -x -C "$CSV_SRC" --strip-components=3
fi
CSV_SRC=$(cd "${CSV_SRC:-$ROOT/Sources/FollowThroughCore/CSV}" && pwd)
RUNS=${RUNS:-5}
if [ $# -gt 0 ]; then files=("$@"); else
  DATA=${BENCH_DATA:-$ROOT/bench-data}
  files=("$DATA"/exports-N1000000-s1-*/work_orders.csv "$DATA"/exports-N1000000-s1-*/recommendations.csv)
fi
for f in "${files[@]}"; do [ -f "$f" ] || { echo "bench_csv.sh: $f: no such file (generate it with scripts/bench.sh 1000000)" >&2; exit 66; }; done

mkdir -p "$BENCH_DIR/Sources/csvbench"
rm -f "$BENCH_DIR"/Sources/csvbench/*.swift
cp "$CSV_SRC"/*.swift "$BENCH_DIR/Sources/csvbench/"
# The tokenizer's SSE2 block test (a C header the CSV sources import when it is there).
rm -rf "$BENCH_DIR/Sources/CByteMarks"
cp -r "$ROOT/Sources/CByteMarks" "$BENCH_DIR/Sources/CByteMarks"
cat > "$BENCH_DIR/Package.swift" <<'SWIFT'
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
    name: "csvbench",
    targets: [
        .target(name: "CByteMarks"),
        .executableTarget(name: "csvbench", dependencies: ["CByteMarks"],
                          swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
    ]
)
SWIFT
cat > "$BENCH_DIR/Sources/csvbench/main.swift" <<'SWIFT'
import Foundation

/// CPU time of this thread: steadier than wall time on a machine shared with other jobs.
func cpuNanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

let runs = Int(ProcessInfo.processInfo.environment["RUNS"] ?? "") ?? 5
let chunkSize = 1 << 20
let rowsOnly = ProcessInfo.processInfo.environment["ROWS_ONLY"] == "1"
for path in CommandLine.arguments.dropFirst() {
    let data = FileManager.default.contents(atPath: path)!
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 16)
    _ = data.copyBytes(to: bytes.bindMemory(to: UInt8.self))
    var rates: [Double] = []
    var summary = ""
    for _ in 0..<runs {
        var rows = 0, fields = 0, fieldBytes = 0, hash: UInt64 = 0
        let onRow: (CSVRow) -> Void = { row in
            rows += 1
            fields += row.count
            hash = hash &* 31 &+ UInt64(row.line)
            if rowsOnly { return }
            for k in 0..<row.count {
                let b = row[k].bytes
                fieldBytes += b.count
                if let first = b.first { hash = hash &* 31 &+ UInt64(first) &+ UInt64(b[b.count - 1]) }
            }
        }
        let start = cpuNanoseconds()
        var parser = CSVParser()
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunkSize, bytes.count)
            try! parser.feed(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), onRow: onRow)
            offset = end
        }
        try! parser.finish(onRow: onRow)
        let seconds = Double(cpuNanoseconds() - start) / 1e9
        rates.append(Double(bytes.count) / 1e6 / seconds)
        summary = "rows \(rows) fields \(fields) field bytes \(fieldBytes) hash \(String(hash, radix: 16))"
    }
    rates.sort()
    let name = (path as NSString).lastPathComponent
    print(String(format: "%@: %.1f MB, median %.0f MB/s, best %.0f MB/s (%d runs); %@",
                 name, Double(bytes.count) / 1e6, rates[rates.count / 2], rates.last!, runs, summary))
    bytes.deallocate()
}
SWIFT
(cd "$BENCH_DIR" && swift build -c release -q >&2)
RUNS=$RUNS ROWS_ONLY=${ROWS_ONLY:-0} "$BENCH_DIR/.build/release/csvbench" "${files[@]}"
