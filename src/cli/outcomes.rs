//! Possible outcomes as `predict` prints them, for one host or a scenario:
//! how many there are, then each one's header and notes, then what the
//! caller prints of it (traces, listings).

use fwcheck::predict::run::World;

pub fn render(worlds: &[World], mut body: impl FnMut(&World, &mut String)) -> String {
    let mut out = String::new();
    let many = worlds.len() > 1;
    if many {
        out.push_str(&format!(
            "{} possible outcomes: a match fwcheck cannot decide from the packets, or the timing of a flow (see each outcome's notes and assumptions)\n\n",
            worlds.len()
        ));
    }
    for (i, w) in worlds.iter().enumerate() {
        if many {
            out.push_str(&format!("=== outcome {} of {} ===\n", i + 1, worlds.len()));
        }
        for n in &w.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        body(w, &mut out);
    }
    out
}
