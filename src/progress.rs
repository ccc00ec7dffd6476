//! Progress of the long commands (import, export, reindex) on standard error: a bar with its rate
//! and time left on a terminal, a plain line every few seconds otherwise (logs, CI). The only module
//! that imports indicatif; the jobs themselves only advance a `domain::Progress`.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::oneshot;

use crate::domain::Progress;

/// How often the plain lines come when standard error is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// A progress being shown; `finish` stops showing it.
pub struct Shown {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

/// Shows the progress of a job named `what` counting `unit`s, until `finish`.
pub fn show(what: &'static str, unit: &'static str, progress: Arc<Progress>) -> Shown {
    let (stop, mut stopped) = oneshot::channel();
    let terminal = std::io::stderr().is_terminal();
    let task = tokio::spawn(async move {
        let bar = terminal.then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            let template = format!("{what:<18} [{{bar:32}}] {{done}}/{{total}} {unit} · {{rate}} · reste {{eta}}");
            if let Ok(style) = ProgressStyle::with_template(&template) {
                // Counts as French writes them (`12 000`, `2 400/s`), not indicatif's `12,000` and
                // `2400.0725/s`.
                let rate = |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                    let _ = write!(out, "{}/s", human(state.per_sec().round() as u64));
                };
                let done = |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                    let _ = write!(out, "{}", human(state.pos()));
                };
                let total = |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                    let _ = write!(out, "{}", human(state.len().unwrap_or(0)));
                };
                let style =
                    style.progress_chars("=> ").with_key("rate", rate).with_key("done", done).with_key("total", total);
                bar.set_style(style);
            }
            bar
        });
        let started = Instant::now();
        let mut said = Instant::now();
        loop {
            let (done, total) = progress.get();
            match &bar {
                Some(bar) => {
                    bar.set_length(total);
                    bar.set_position(done);
                }
                None if said.elapsed() >= LINE_EVERY => {
                    eprintln!("{}", line(what, unit, done, total, started.elapsed()));
                    said = Instant::now();
                }
                None => {}
            }
            tokio::select! {
                _ = &mut stopped => break,
                () = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
        let (done, total) = progress.get();
        match bar {
            Some(bar) => {
                bar.set_length(total);
                bar.set_position(done);
                bar.finish();
            }
            None if started.elapsed() >= LINE_EVERY => {
                eprintln!("{}", line(what, unit, done, total, started.elapsed()))
            }
            None => {}
        }
    });
    Shown { stop: Some(stop), task }
}

impl Shown {
    /// Draws the last state and stops.
    pub async fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// One plain progress line: `import  12 000/120 000 enregistrements (10 %) · 2 400/s · reste ~45 s`.
pub fn line(what: &str, unit: &str, done: u64, total: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64().max(1e-3);
    let rate = done as f64 / seconds;
    let percent = if total == 0 { 100.0 } else { done as f64 * 100.0 / total as f64 };
    let left = if rate > 0.0 && total > done {
        format!("reste ~{:.0} s", (total - done) as f64 / rate)
    } else if total > done {
        "reste inconnu".to_owned()
    } else {
        "terminé".to_owned()
    };
    format!(
        "{what}  {}/{} {unit} ({percent:.0} %) · {}/s · {left}",
        human(done),
        human(total),
        human(rate.round() as u64)
    )
}

/// A count as French writes it, thousands set apart by a space: `12 000`.
pub fn human(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_give_rate_and_time_left() {
        let text = line("import", "enregistrements", 250, 1000, Duration::from_secs(5));
        assert_eq!(text, "import  250/1 000 enregistrements (25 %) · 50/s · reste ~15 s");
        assert_eq!(human(0), "0");
        assert_eq!(human(999), "999");
        assert_eq!(human(1_810), "1 810");
        assert_eq!(human(1_234_567), "1 234 567");
        assert!(line("index", "changements", 0, 10, Duration::from_secs(1)).ends_with("reste inconnu"));
        assert!(line("export", "enregistrements", 4, 4, Duration::from_secs(1)).ends_with("terminé"));
    }
}
