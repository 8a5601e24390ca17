import Testing

/// The suites that run `pushgate serve` as child processes. They run one at a time: each drives the
/// 2-core machine hard, and timing-dependent steps (cancelling a run mid-run) need it not to be starved.
@Suite(.serialized) enum EndToEnd {}
