//! The priority queue for handler slots: a fixed number of requests run at once, and the rest
//! wait, highest priority first, in a bounded queue.

use super::lock;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// The handler slots and the queue in front of them: when every slot is busy, a request
/// waits, and a freed slot goes to the waiter with the highest priority (then the earliest).
pub(super) struct Slots {
    state: Mutex<SlotState>,
    max_queued: usize,
}

struct SlotState {
    free: usize,
    arrivals: u64,
    waiters: BinaryHeap<Waiter>,
}

struct Waiter {
    priority: u64,
    arrival: Reverse<u64>,
    wake: oneshot::Sender<()>,
}

impl Waiter {
    fn key(&self) -> (u64, Reverse<u64>) {
        (self.priority, self.arrival)
    }
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Waiter {}

impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Waiter {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// A held slot, given back when dropped.
pub(super) struct Slot(Arc<Slots>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// Why no slot was given.
pub(super) enum NoSlot {
    Busy,
    TimedOut,
}

impl Slots {
    pub(super) fn new(slots: usize, max_queued: usize) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(SlotState {
                free: slots.max(1),
                arrivals: 0,
                waiters: BinaryHeap::new(),
            }),
            max_queued,
        })
    }

    pub(super) fn waiting(&self) -> usize {
        let mut state = lock(&self.state);
        state.waiters.retain(|w| !w.wake.is_closed());
        state.waiters.len()
    }

    fn release(&self) {
        let mut state = lock(&self.state);
        // A waiter that gave up has closed its end; the slot goes to the next one.
        while let Some(waiter) = state.waiters.pop() {
            if waiter.wake.send(()).is_ok() {
                return;
            }
        }
        state.free += 1;
    }

    pub(super) async fn acquire(
        self: &Arc<Self>,
        priority: u64,
        timeout: Duration,
    ) -> Result<Slot, NoSlot> {
        let mut woken = {
            let mut state = lock(&self.state);
            if state.free > 0 && state.waiters.is_empty() {
                state.free -= 1;
                return Ok(Slot(self.clone()));
            }
            if state.waiters.len() >= self.max_queued {
                // Waiters that timed out stay in the heap until a release passes them.
                state.waiters.retain(|w| !w.wake.is_closed());
                if state.waiters.len() >= self.max_queued {
                    return Err(NoSlot::Busy);
                }
            }
            let (wake, woken) = oneshot::channel();
            state.arrivals += 1;
            let arrival = Reverse(state.arrivals);
            state.waiters.push(Waiter {
                priority,
                arrival,
                wake,
            });
            woken
        };
        match tokio::time::timeout(timeout, &mut woken).await {
            Ok(Ok(())) => Ok(Slot(self.clone())),
            _ => {
                woken.close();
                // A slot handed over between the timeout and the close is passed on.
                if woken.try_recv().is_ok() {
                    self.release();
                }
                Err(NoSlot::TimedOut)
            }
        }
    }
}
