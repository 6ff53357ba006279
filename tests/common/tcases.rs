//! Reader of the `.t` case files in `tests/ext/` (format: tests/ext/README.md).

use std::path::Path;

#[derive(Debug, Clone)]
pub struct Case {
    pub file: String,
    pub line: usize,
    pub ipv6: bool,
    pub table: String,
    pub chain: String,
    pub user_chains: Vec<String>,
    /// `%` shell commands to run in the namespace first.
    pub setup: Vec<String>,
    pub args: String,
    /// Expected `-A CHAIN ...` remainder, or None for FAIL.
    pub expected: Option<String>,
}

impl Case {
    /// The iptables-restore text for this case.
    pub fn restore_text(&self) -> String {
        let mut s = format!("*{}\n", self.table);
        for u in &self.user_chains {
            s.push_str(&format!(":{u} - [0:0]\n"));
        }
        s.push_str(&format!("-A {} {}\nCOMMIT\n", self.chain, self.args));
        s
    }

    pub fn name(&self) -> String {
        format!("{}:{} [{} {}] {}", self.file, self.line, self.table, self.chain, self.args)
    }
}

pub fn builtin(table: &str) -> &'static [&'static str] {
    match table {
        "filter" | "security" => &["INPUT", "FORWARD", "OUTPUT"],
        "nat" => &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        "mangle" => &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        "raw" => &["PREROUTING", "OUTPUT"],
        _ => &[],
    }
}

pub fn read_all(dir: &Path) -> Vec<Case> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/ext exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "t"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        out.extend(read(&f));
    }
    out
}

pub fn read(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).expect("readable .t file");
    let file = path.file_name().unwrap().to_string_lossy().to_string();
    let mut ipv6 = false;
    let mut table = "filter".to_string();
    let mut chains = vec!["INPUT".to_string()];
    let mut users: Vec<String> = Vec::new();
    let mut setup: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(f) = line.strip_prefix('@') {
            ipv6 = f == "ipv6";
            continue;
        }
        if let Some(t) = line.strip_prefix('*') {
            table = t.to_string();
            users.clear();
            continue;
        }
        if let Some(c) = line.strip_prefix(':') {
            chains = c.split(',').map(str::to_string).collect();
            continue;
        }
        if let Some(n) = line.strip_prefix("-N ") {
            users.push(n.trim().to_string());
            continue;
        }
        if let Some(cmd) = line.strip_prefix('%') {
            setup.push(cmd.to_string());
            continue;
        }
        let mut parts = line.rsplitn(3, ';');
        let (Some(result), Some(expected), Some(args)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("{}:{}: malformed case line", file, i + 1);
        };
        for ch in &chains {
            let mut uc = users.clone();
            if !builtin(&table).contains(&ch.as_str()) && !uc.contains(ch) {
                uc.push(ch.clone());
            }
            out.push(Case {
                file: file.clone(),
                line: i + 1,
                ipv6,
                table: table.clone(),
                chain: ch.clone(),
                user_chains: uc,
                setup: setup.clone(),
                args: args.to_string(),
                expected: match result {
                    "OK" => Some(if expected == "=" { args.to_string() } else { expected.to_string() }),
                    "FAIL" => None,
                    other => panic!("{}:{}: result must be OK or FAIL, not {other}", file, i + 1),
                },
            });
        }
    }
    out
}
