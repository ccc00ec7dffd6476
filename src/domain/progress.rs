//! How far a long job is (an import, an export, a reindex): a pair of counters the job advances and
//! whoever shows the progress reads, from any thread. What draws the bar lives with the command line.

use std::sync::atomic::{AtomicU64, Ordering};

/// The counters of one job: how many items it will handle, and how many it has handled.
#[derive(Debug, Default)]
pub struct Progress {
    total: AtomicU64,
    done: AtomicU64,
}

impl Progress {
    /// Sets how many items the job will handle (and starts the count again).
    pub fn start(&self, total: u64) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    /// Counts `items` more handled.
    pub fn advance(&self, items: u64) {
        self.done.fetch_add(items, Ordering::Relaxed);
    }

    /// Sets how many items are handled so far.
    pub fn set_done(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// Returns `(done, total)`.
    pub fn get(&self) -> (u64, u64) {
        (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_the_start() {
        let progress = Progress::default();
        progress.advance(3);
        progress.start(10);
        progress.advance(2);
        progress.advance(1);
        assert_eq!(progress.get(), (3, 10));
    }
}
