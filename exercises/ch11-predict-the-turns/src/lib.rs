//! Exercise of chapter 11: predictions about chapter 11's `block_on` and reactor. The task is in
//! `README.md`.

/// Polls of the task and calls of `epoll_wait`, for one way the peer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub polls: u64,
    pub epoll_waits: u64,
}

/// Your predictions, one per way the peer writes the twelve bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predictions {
    pub all_before: Counts,
    pub each_while_waiting: Counts,
    pub all_while_waiting: Counts,
}

/// Your predictions, made before running anything.
pub const PREDICTIONS: Predictions = Predictions {
    // exercise: solution
    // The bytes are there and the flag starts up: three reads in the first poll, no wait.
    all_before: Counts { polls: 1, epoll_waits: 0 },
    // One poll per message and the first, which finds nothing; one wait per message.
    each_while_waiting: Counts { polls: 4, epoll_waits: 3 },
    // One wait for the one arrival; the second poll reads all three messages, and no read in it
    // says WouldBlock before the loop ends.
    all_while_waiting: Counts { polls: 2, epoll_waits: 1 },
    // exercise: starter
    // all_before: Counts { polls: 0, epoll_waits: 0 },
    // each_while_waiting: Counts { polls: 0, epoll_waits: 0 },
    // all_while_waiting: Counts { polls: 0, epoll_waits: 0 },
    // exercise: end
};
