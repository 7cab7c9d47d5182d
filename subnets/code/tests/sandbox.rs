//! The sandbox against answers that misbehave: each is stopped or rejected and scores 0, and
//! the same sandbox then still passes a correct answer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_subnet_code::{shipped, Limits, Outcome, Sandbox};
use std::time::Duration;

fn limits() -> Limits {
    Limits {
        cpu_seconds: 2,
        memory_bytes: 256 * 1024 * 1024,
        wall: Duration::from_secs(60),
    }
}

#[tokio::test]
async fn test_misbehaving_answers_are_stopped_or_rejected_and_the_sandbox_goes_on() {
    let problems = shipped().unwrap();
    let problem = problems
        .iter()
        .find(|p| p.prompt.contains("fn has_close_elements"))
        .unwrap();
    let sandbox = Sandbox::new(limits()).await;
    let run = |body: &'static str| sandbox.run(&problem.prompt, body, &problem.test);

    // Stopped by the CPU limit (a busy loop that the compiler cannot remove).
    let forever = run(
        "let mut x = numbers.len() as u64; loop { x = x.wrapping_mul(6364136223846793005).wrapping_add(1); if x == 7 { return threshold > 0.0; } } }",
    )
    .await;
    assert!(
        matches!(forever, Outcome::Failed | Outcome::TimedOut),
        "{forever:?}"
    );
    // Stopped by the memory limit.
    let hungry = run(
        "let mut kept: Vec<Vec<u8>> = Vec::new(); loop { kept.push(vec![1u8; 1 << 24]); if kept.len() == usize::MAX { return numbers.is_empty() && threshold > 0.0; } } }",
    )
    .await;
    assert_eq!(hungry, Outcome::Failed);
    // Rejected before compiling.
    for body in [
        "std::process::Command::new(\"sh\").status().is_ok() && threshold > 0.0 && numbers.is_empty() }",
        "std::fs::read_to_string(\"/etc/passwd\").is_ok() }",
        "use std::io::Read; let mut s = String::new(); std::fs::File::open(\"/etc/hostname\").unwrap().read_to_string(&mut s).is_ok() }",
        "std::net::TcpStream::connect(\"127.0.0.1:9944\").is_ok() }",
        "use std::{net}; net::UdpSocket::bind(\"127.0.0.1:0\").is_ok() }",
        "unsafe { std::ptr::null::<u8>().is_null() } }",
    ] {
        let outcome = run(body).await;
        assert!(matches!(outcome, Outcome::Rejected(_)), "{body}: {outcome:?}");
        assert_eq!(outcome.score(), 0.0);
    }
    // A wrong answer compiles and fails its tests; one that does not compile scores 0 too.
    assert_eq!(run("todo!()\n}").await, Outcome::Failed);
    assert_eq!(run("this is not rust }").await, Outcome::CompileError);
    for outcome in [&forever, &hungry] {
        assert_eq!(outcome.score(), 0.0);
    }
    // The sandbox is still usable.
    let right = sandbox
        .run(&problem.prompt, &problem.canonical_solution, &problem.test)
        .await;
    assert_eq!(right, Outcome::Passed);
    assert_eq!(right.score(), 1.0);
}

#[test]
fn test_every_reference_solution_passes_the_source_check() {
    let problems = shipped().unwrap();
    assert_eq!(problems.len(), 146);
    let rejected: Vec<_> = problems
        .iter()
        .filter_map(|p| {
            plexus_subnet_code::sandbox::check(&p.canonical_solution)
                .err()
                .map(|e| (p.task_id.clone(), e))
        })
        .collect();
    assert!(rejected.is_empty(), "{rejected:?}");
}
