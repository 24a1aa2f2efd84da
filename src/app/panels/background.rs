//! A panel's figures computed on a named worker thread, so that large data
//! never freezes the window: the panel asks once per frame, the worker
//! wakes the UI when it is done, and a run for an older key (other data, an
//! earlier year) finishes unheard.

use crossbeam_channel::{Receiver, TryRecvError};

/// What [`Background::poll`] found.
#[derive(Debug, PartialEq)]
pub enum Poll<T> {
    /// The worker for this key has finished.
    Ready(T),
    /// A worker for this key is running.
    Pending,
    /// No thread could be started: compute in place.
    NoThread,
}

/// At most one worker run, for the latest key asked about.
pub struct Background<K, T> {
    job: Option<(K, Receiver<T>)>,
}

impl<K, T> Default for Background<K, T> {
    fn default() -> Self {
        Background { job: None }
    }
}

impl<K: PartialEq, T: Send + 'static> Background<K, T> {
    /// The result for `key` once a worker has it. The first call for a new
    /// key starts `work` on a thread called `name`, which repaints `egui_ctx`
    /// when done; later calls for that key collect it.
    pub fn poll(
        &mut self,
        key: K,
        name: &str,
        egui_ctx: &egui::Context,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Poll<T> {
        if let Some((_, rx)) = self.job.as_ref().filter(|(k, _)| *k == key) {
            return match rx.try_recv() {
                Ok(result) => {
                    self.job = None;
                    Poll::Ready(result)
                }
                Err(TryRecvError::Empty) => Poll::Pending,
                Err(TryRecvError::Disconnected) => {
                    // The worker died without an answer: start again next time.
                    self.job = None;
                    Poll::Pending
                }
            };
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        let egui_ctx = egui_ctx.clone();
        let spawned = std::thread::Builder::new().name(name.to_owned()).spawn(move || {
            tx.send(work()).ok();
            egui_ctx.request_repaint();
        });
        match spawned {
            Ok(_) => {
                self.job = Some((key, rx));
                Poll::Pending
            }
            Err(e) => {
                tracing::warn!("cannot start the {name} thread ({e}); computing in place");
                self.job = None;
                Poll::NoThread
            }
        }
    }

    /// Forgets any run under way (its result will not be collected).
    pub fn cancel(&mut self) {
        self.job = None;
    }

    /// Whether a worker is running for some key.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait<T: Send + 'static>(bg: &mut Background<u32, T>, key: u32, ctx: &egui::Context, work: fn() -> T) -> T {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            match bg.poll(key, "test-worker", ctx, work) {
                Poll::Ready(v) => return v,
                Poll::Pending => {
                    assert!(std::time::Instant::now() < deadline, "the worker never answered");
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Poll::NoThread => panic!("no thread"),
            }
        }
    }

    #[test]
    fn a_result_is_collected_for_its_key_and_a_new_key_starts_over() {
        let ctx = egui::Context::default();
        let mut bg = Background::default();
        assert_eq!(bg.poll(1, "test-worker", &ctx, || 10), Poll::Pending);
        assert!(bg.is_running());
        assert_eq!(wait(&mut bg, 1, &ctx, || 10), 10);
        assert!(!bg.is_running());
        // A different key never gets the old key's answer.
        assert_eq!(bg.poll(2, "test-worker", &ctx, || 20), Poll::Pending);
        assert_eq!(wait(&mut bg, 2, &ctx, || 20), 20);
    }
}
