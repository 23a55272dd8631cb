//! A second opinion on prose findings. The rules' patterns are exact but
//! brittle on wording nobody wrote them for; this is a per-rule logistic
//! regression over the words and word pairs of a sentence (read with its
//! lead-in and question), trained on every labelled corpus under
//! `fixtures/prose/`. The engine asks it twice: a pattern finding it
//! scores below `veto_below` is dropped, and a sentence that names the
//! rule's subject but matched no pattern fires when it scores at least
//! `fire_above`. The weights are data (`rules/second-opinion.tsv`), made by
//! [`train`]; `tests/opinion.rs` checks the shipped file is what training
//! gives and measures the pair on sets it was not trained on.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

const SHIPPED: &str = include_str!("../../rules/second-opinion.tsv");

/// Training settings, fixed so a retrained model is the shipped one.
const C: f64 = 16.0;
const STEPS: usize = 1000;
const RATE: f64 = 0.05;
/// Weights smaller than this are left out of the file: they barely move a
/// score and would triple its size.
const PRUNE: f64 = 0.3;
/// A rule with fewer positive examples than this gets no model: the
/// engine's patterns decide alone.
const MIN_POSITIVES: usize = 10;
/// Features seen in fewer examples than this are not learnt.
const MIN_EXAMPLES: usize = 2;

/// The per-rule models and when they are heeded.
#[derive(Debug, Clone, Default)]
pub struct Opinion {
    /// Each known feature's text, by id: a word, or two words and a space.
    names: Vec<String>,
    /// How rare each feature is (inverse document frequency), by id.
    idf: Vec<f32>,
    /// The id of each known word (by [`word_key`]), and of each known
    /// pair of word ids.
    words: foldhash::HashMap<u64, u32>,
    pairs: foldhash::HashMap<(u32, u32), u32>,
    rules: foldhash::HashMap<String, RuleModel>,
    /// The rules with a model, in name order, and each one's bias.
    order: Vec<String>,
    biases: Vec<f32>,
    /// Every rule's weight for each feature, feature by feature (`id *
    /// order.len() + rule`): a sentence's few features then read a few
    /// short runs of memory rather than one scattered weight per rule.
    table: Vec<f32>,
    /// A pattern finding scored below this is dropped.
    pub veto_below: f32,
    /// A sentence naming the subject with no pattern finding fires from
    /// this. (An exception or a reporting context the patterns found is
    /// final: no score overturns it.)
    pub fire_above: f32,
}

#[derive(Debug, Clone, Default)]
struct RuleModel {
    bias: f32,
    /// By feature id; 0 for the features left out.
    weights: Vec<f32>,
}

/// A text as the model reads it: known feature ids, each with its weight,
/// together of length one.
pub type Features = Vec<(u32, f32)>;

/// A labelled sentence to learn from.
#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    /// The rules that must fire on it.
    pub expect: Vec<String>,
}

/// The model shipped in `rules/second-opinion.tsv`, read once. A file that
/// does not read (a test guards against it) gives no opinion at all.
pub fn shipped() -> Arc<Opinion> {
    static MODEL: OnceLock<Arc<Opinion>> = OnceLock::new();
    Arc::clone(MODEL.get_or_init(|| Arc::new(Opinion::parse(SHIPPED).unwrap_or_default())))
}

/// Calls `each` with every word of `parts`, read one after another as if
/// joined by spaces, in order: lower case, a number as `0` (so "BMI 35"
/// and "BMI 40" read alike), and the comparison signs as words of their
/// own. One buffer, no allocation per word.
fn each_word(parts: &[&str], mut each: impl FnMut(&str)) {
    // A number written as a word reads as one in figures ("eighteen
    // months" as "18 months"; "one" stays a word, as it is as often a
    // pronoun), and a shortened length as the length ("6 wks" as "6
    // weeks").
    let mut each = |w: &str| each(folded(w));
    let mut word = String::new();
    for part in parts {
        each_word_of(part, &mut word, &mut each);
        if !word.is_empty() {
            each(&word);
            word.clear();
        }
    }
}

fn each_word_of(text: &str, word: &mut String, each: &mut impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        let b = bytes[k];
        if word.is_empty() && b.is_ascii_lowercase() {
            // Most words are already lower case: passed on as they stand
            // when nothing joins them (a digit, a capital, a letter
            // outside ASCII), else copied and read on as below.
            let end = k + bytes[k..]
                .iter()
                .position(|c| !c.is_ascii_lowercase())
                .unwrap_or(bytes.len() - k);
            let joined = bytes
                .get(end)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || !c.is_ascii());
            if !joined {
                each(&text[k..end]);
            } else {
                word.push_str(&text[k..end]);
            }
            k = end;
            continue;
        }
        if b.is_ascii_digit() {
            // A number, with its decimal point or thousands comma.
            k += 1;
            while k < bytes.len() {
                let d = bytes[k];
                let joins =
                    matches!(d, b'.' | b',') && bytes.get(k + 1).is_some_and(u8::is_ascii_digit);
                if d.is_ascii_digit() || joins {
                    k += 1;
                } else {
                    break;
                }
            }
            if !word.ends_with('0') {
                word.push('0');
            }
            continue;
        }
        if b.is_ascii_alphabetic() {
            word.push(char::from(b.to_ascii_lowercase()));
            k += 1;
            continue;
        }
        // Not an ASCII letter or digit: a whole character.
        let c = text[k..].chars().next().unwrap_or(' ');
        k += c.len_utf8();
        if c.is_alphanumeric() && !c.is_ascii() {
            word.extend(c.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            each(word);
            word.clear();
        }
        if matches!(c, '<' | '>' | '≤' | '≥') {
            let mut sign = [0u8; 4];
            each(c.encode_utf8(&mut sign));
        }
    }
}

/// How the model reads `word` (lower case): a number word as a figure,
/// a shortened unit of time in full.
fn folded(word: &str) -> &str {
    match word {
        "wk" | "wks" => "weeks",
        "mth" | "mths" => "months",
        "yr" | "yrs" => "years",
        _ if is_number_word(word) => "0",
        _ => word,
    }
}

/// Whether `word` (lower case) is a number from two to ninety-nine
/// written out; the tens and units of "twenty-four" come as two words.
fn is_number_word(word: &str) -> bool {
    matches!(
        word,
        "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
            | "ten"
            | "eleven"
            | "twelve"
            | "thirteen"
            | "fourteen"
            | "fifteen"
            | "sixteen"
            | "seventeen"
            | "eighteen"
            | "nineteen"
            | "twenty"
            | "thirty"
            | "forty"
            | "fifty"
            | "sixty"
            | "seventy"
            | "eighty"
            | "ninety"
    )
}

/// The words of `text` as the model reads them.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_word(&[text], |w| out.push(w.to_string()));
    out
}

/// Each word and each pair of neighbouring words, with how often it occurs
/// (for training, before the features are known).
fn counts(text: &str) -> HashMap<String, u32> {
    let words = words(text);
    let mut counts = HashMap::new();
    for w in &words {
        *counts.entry(w.clone()).or_insert(0) += 1;
    }
    for pair in words.windows(2) {
        *counts
            .entry(format!("{} {}", pair[0], pair[1]))
            .or_insert(0) += 1;
    }
    counts
}

/// A word's key in [`Opinion`]'s table: a hash, so looking a word up
/// neither compares strings nor follows a pointer to one.
fn word_key(word: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(word.as_bytes())
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Opinion {
    /// A model with these features (text and rarity) and no rules yet.
    fn with_features(mut features: Vec<(String, f32)>) -> Opinion {
        features.sort_by(|a, b| a.0.cmp(&b.0));
        let mut model = Opinion::default();
        for (id, (name, rarity)) in features.into_iter().enumerate() {
            if !name.contains(' ') {
                model.words.insert(word_key(&name), id as u32);
            }
            model.names.push(name);
            model.idf.push(rarity);
        }
        for (id, name) in model.names.iter().enumerate() {
            // Both words of a known pair are known: a pair is never in
            // more examples than either of its words.
            if let Some((a, b)) = name.split_once(' ') {
                let (a, b) = (word_key(a), word_key(b));
                if let (Some(&a), Some(&b)) = (model.words.get(&a), model.words.get(&b)) {
                    model.pairs.insert((a, b), id as u32);
                }
            }
        }
        model
    }

    /// Whether `rule` has a model.
    pub fn knows(&self, rule: &str) -> bool {
        self.rules.contains_key(rule)
    }

    /// `rule`'s place in [`Opinion::scores`], if it has a model.
    pub fn rule_index(&self, rule: &str) -> Option<usize> {
        self.order.binary_search_by(|r| r.as_str().cmp(rule)).ok()
    }

    /// Builds the lookup table from the per-rule weights; called once the
    /// rules are all read or trained.
    fn finish(mut self) -> Opinion {
        let mut order: Vec<String> = self.rules.keys().cloned().collect();
        order.sort();
        let (dims, n) = (self.names.len(), order.len());
        let mut table = vec![0.0; dims * n];
        let mut biases = Vec::with_capacity(n);
        for (k, rule) in order.iter().enumerate() {
            let m = &self.rules[rule];
            biases.push(m.bias);
            for (id, &w) in m.weights.iter().enumerate().take(dims) {
                table[id * n + k] = w;
            }
        }
        self.order = order;
        self.biases = biases;
        self.table = table;
        self
    }

    /// How likely (0 to 1) each rule applies to a text read by
    /// [`Opinion::read`], in the order of [`Opinion::rule_index`].
    pub fn scores(&self, features: &[(u32, f32)]) -> Vec<f32> {
        let n = self.order.len();
        let mut z = self.biases.clone();
        for &(id, x) in features {
            let at = id as usize * n;
            if let Some(row) = self.table.get(at..at + n) {
                for (z, w) in z.iter_mut().zip(row) {
                    *z += w * x;
                }
            }
        }
        z.into_iter()
            .map(|z| sigmoid(f64::from(z)) as f32)
            .collect()
    }

    /// The features of `text` this model knows, for [`Opinion::score_of`].
    pub fn read(&self, text: &str) -> Features {
        self.read_parts(&[text])
    }

    /// [`Opinion::read`] of the parts joined by spaces, without joining
    /// them.
    pub fn read_parts(&self, parts: &[&str]) -> Features {
        let mut ids: Vec<u32> = Vec::new();
        let mut before: Option<u32> = None;
        each_word(parts, |w| {
            let id = self.words.get(&word_key(w)).copied();
            if let (Some(a), Some(b)) = (before, id) {
                if let Some(&pair) = self.pairs.get(&(a, b)) {
                    ids.push(pair);
                }
            }
            ids.extend(id);
            before = id;
        });
        ids.sort_unstable();
        let mut v: Features = ids
            .chunk_by(|a, b| a == b)
            .map(|run| {
                let id = run[0];
                let rarity = self.idf.get(id as usize).copied().unwrap_or(0.0);
                // Sublinear counts; most words occur once, and ln 1 = 0.
                let count = match run.len() {
                    1 => 1.0,
                    n => 1.0 + (n as f32).ln(),
                };
                (id, count * rarity)
            })
            .collect();
        let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, x) in &mut v {
                *x /= norm;
            }
        }
        v
    }

    /// How likely (0 to 1) `rule` applies to a text read by
    /// [`Opinion::read`]; `None` for a rule with no model.
    pub fn score_of(&self, rule: &str, features: &[(u32, f32)]) -> Option<f32> {
        let k = self.rule_index(rule)?;
        self.scores(features).get(k).copied()
    }

    /// [`Opinion::score_of`] on plain text.
    pub fn score(&self, rule: &str, text: &str) -> Option<f32> {
        self.score_of(rule, &self.read(text))
    }

    /// The features that moved the score most, strongest first, for the
    /// trace.
    pub fn reasons(&self, rule: &str, features: &[(u32, f32)], n: usize) -> Vec<(String, f32)> {
        let Some(m) = self.rules.get(rule) else {
            return Vec::new();
        };
        let mut parts: Vec<(String, f32)> = features
            .iter()
            .filter_map(|&(id, x)| {
                let w = *m.weights.get(id as usize)?;
                (w != 0.0).then(|| (self.names[id as usize].clone(), w * x))
            })
            .collect();
        parts.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        parts.truncate(n);
        parts
    }

    /// Reads the tab-separated model file (see [`Opinion::render`]):
    /// settings and rarities first, then biases and weights, each looked
    /// up without copying (the file has some 25,000 lines and is read once
    /// per run that checks a policy).
    pub fn parse(text: &str) -> Result<Opinion, String> {
        let number = |s: &str, line: usize| {
            s.parse::<f32>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("line {line}: `{s}` is not a number"))
        };
        let lines = || {
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
                .map(|(k, l)| (k + 1, l, l.split('\t')))
        };
        let mut settings = [0.0f32; 2];
        let mut features = Vec::new();
        for (at, line, mut cols) in lines() {
            match (
                cols.next(),
                cols.next(),
                cols.next(),
                cols.next(),
                cols.next(),
            ) {
                (Some("veto-below"), Some(x), None, ..) => settings[0] = number(x, at)?,
                (Some("fire-above"), Some(x), None, ..) => settings[1] = number(x, at)?,
                (Some("idf"), Some(f), Some(x), None, _) => {
                    features.push((f.to_string(), number(x, at)?));
                }
                (Some("bias"), Some(_), Some(_), None, _) => {}
                (Some("weight"), Some(_), Some(_), Some(_), None) => {}
                _ => return Err(format!("line {at}: not a model line: `{line}`")),
            }
        }
        let mut model = Opinion::with_features(features);
        [model.veto_below, model.fire_above] = settings;
        let dims = model.names.len();
        let mut rules: foldhash::HashMap<String, RuleModel> = Default::default();
        for (at, _, mut cols) in lines() {
            match (cols.next(), cols.next(), cols.next(), cols.next()) {
                (Some("bias"), Some(rule), Some(x), _) => {
                    rules.entry(rule.to_string()).or_default().bias = number(x, at)?;
                }
                (Some("weight"), Some(rule), Some(feature), Some(x)) => {
                    let Some(id) = model.id(feature) else {
                        return Err(format!(
                            "line {at}: a weight for `{feature}`, which has no idf line"
                        ));
                    };
                    let w = number(x, at)?;
                    let m = match rules.get_mut(rule) {
                        Some(m) => m,
                        None => rules.entry(rule.to_string()).or_default(),
                    };
                    m.weights.resize(dims, 0.0);
                    m.weights[id as usize] = w;
                }
                _ => {}
            }
        }
        model.rules = rules;
        Ok(model.finish())
    }

    /// A known feature's id from its text.
    fn id(&self, feature: &str) -> Option<u32> {
        match feature.split_once(' ') {
            None => self.words.get(&word_key(feature)).copied(),
            Some((a, b)) => {
                let pair = (
                    *self.words.get(&word_key(a))?,
                    *self.words.get(&word_key(b))?,
                );
                self.pairs.get(&pair).copied()
            }
        }
    }

    /// The model as the file ships it: settings, then each feature's
    /// rarity, then each rule's bias and weights, all sorted so the file
    /// changes only where the model does.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut out = String::from(
            "# msklint's second opinion on prose findings: per rule, a bias and the\n\
             # weights of words and word pairs (numbers read as 0), and each feature's\n\
             # rarity. Made by training on fixtures/prose/ (see docs/prose.md, \"The\n\
             # second opinion\"); retrain rather than edit.\n",
        );
        let _ = writeln!(out, "veto-below\t{}", self.veto_below);
        let _ = writeln!(out, "fire-above\t{}", self.fire_above);
        for (name, x) in self.names.iter().zip(&self.idf) {
            let _ = writeln!(out, "idf\t{name}\t{x:.4}");
        }
        let mut rules: Vec<_> = self.rules.iter().collect();
        rules.sort_by(|a, b| a.0.cmp(b.0));
        for (rule, m) in rules {
            let _ = writeln!(out, "bias\t{rule}\t{:.4}", m.bias);
            for (name, x) in self.names.iter().zip(&m.weights) {
                if *x != 0.0 {
                    let _ = writeln!(out, "weight\t{rule}\t{name}\t{x:.4}");
                }
            }
        }
        out
    }
}

/// Learns a model for each of `rules` from `examples`: rarity from how many
/// examples hold each feature, then per rule a logistic regression with
/// both classes weighted equally and an L2 penalty, fitted by full-batch
/// Adam (deterministic, so the same examples give the same file).
pub fn train(examples: &[Example], rules: &[String]) -> Opinion {
    let n = examples.len();
    let mut df: HashMap<String, usize> = HashMap::new();
    for e in examples {
        for f in counts(&e.text).into_keys() {
            *df.entry(f).or_insert(0) += 1;
        }
    }
    let features: Vec<(String, f32)> = df
        .into_iter()
        .filter(|&(_, k)| k >= MIN_EXAMPLES)
        .map(|(f, k)| {
            let rarity = ((1.0 + n as f64) / (1.0 + k as f64)).ln() + 1.0;
            (f, rarity as f32)
        })
        .collect();
    let mut model = Opinion::with_features(features);
    model.veto_below = 0.2;
    model.fire_above = 0.7;
    let rows: Vec<Features> = examples.iter().map(|e| model.read(&e.text)).collect();
    let dims = model.names.len();
    for rule in rules {
        let labels: Vec<bool> = examples.iter().map(|e| e.expect.contains(rule)).collect();
        let positives = labels.iter().filter(|&&y| y).count();
        if positives < MIN_POSITIVES || positives == n {
            continue;
        }
        let (weights, bias) = fit(&rows, &labels, dims);
        let weights = weights
            .into_iter()
            .map(|w| if w.abs() >= PRUNE { w as f32 } else { 0.0 })
            .collect();
        model.rules.insert(
            rule.clone(),
            RuleModel {
                bias: bias as f32,
                weights,
            },
        );
    }
    model.finish()
}

/// Logistic regression by full-batch Adam: weights per feature and a bias.
fn fit(rows: &[Features], labels: &[bool], dims: usize) -> (Vec<f64>, f64) {
    let n = rows.len() as f64;
    let positives = labels.iter().filter(|&&y| y).count() as f64;
    let (up, down) = (n / (2.0 * positives), n / (2.0 * (n - positives)));
    let penalty = 1.0 / (C * n);
    let mut w = vec![0.0; dims + 1];
    let (mut m, mut v) = (vec![0.0; dims + 1], vec![0.0; dims + 1]);
    let mut grad = vec![0.0; dims + 1];
    for step in 1..=STEPS {
        grad.iter_mut().for_each(|g| *g = 0.0);
        for (row, &y) in rows.iter().zip(labels) {
            let z = w[dims]
                + row
                    .iter()
                    .map(|&(k, x)| w[k as usize] * f64::from(x))
                    .sum::<f64>();
            let weight = if y { up } else { down };
            let g = weight * (sigmoid(z) - f64::from(u8::from(y))) / n;
            for &(k, x) in row {
                grad[k as usize] += g * f64::from(x);
            }
            grad[dims] += g;
        }
        for k in 0..dims {
            grad[k] += penalty * w[k];
        }
        let (c1, c2) = (
            1.0 - 0.9f64.powi(step as i32),
            1.0 - 0.999f64.powi(step as i32),
        );
        for k in 0..=dims {
            m[k] = 0.9 * m[k] + 0.1 * grad[k];
            v[k] = 0.999 * v[k] + 0.001 * grad[k] * grad[k];
            w[k] -= RATE * (m[k] / c1) / ((v[k] / c2).sqrt() + 1e-8);
        }
    }
    let bias = w[dims];
    w.truncate(dims);
    (w, bias)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words as read one character at a time, with no shortcut for
    /// lower-case runs: what the shortcut must agree with.
    fn words_slowly(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() {
                if !word.ends_with('0') {
                    word.push('0');
                }
            } else if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
            } else {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                if matches!(c, '<' | '>' | '≤' | '≥') {
                    out.push(c.to_string());
                }
            }
        }
        if !word.is_empty() {
            out.push(word);
        }
        for w in &mut out {
            *w = folded(w).to_string();
        }
        out
    }

    #[test]
    fn lower_case_words_read_in_place_read_as_any_other() {
        for text in [
            "patients with a bmi over 40 will not be listed",
            "abc12 x9y bmi40 fooBar café naïve Straße e-mail <= 3 weeks>",
            "ends with a word",
            "über alles; résumé, ok.",
            "a",
            "",
            "lower then UPPER then lower",
            "Eighteen months; twenty-four WEEKS; one of six",
        ] {
            assert_eq!(words(text), words_slowly(text), "{text}");
        }
    }

    #[test]
    fn words_fold_numbers_and_keep_comparisons() {
        assert_eq!(
            words("BMI ≥ 35.5 kg/m2, or 1,200 steps; (age 18-65)"),
            ["bmi", "≥", "0", "kg", "m0", "or", "0", "steps", "age", "0", "0"]
        );
    }

    #[test]
    fn number_words_read_as_figures() {
        assert_eq!(words("eighteen months"), words("18 months"));
        assert_eq!(words("Twenty-four weeks"), ["0", "0", "weeks"]);
        assert_eq!(words("one of six"), ["one", "of", "0"]);
        assert_eq!(words("6 wks or 3 Mths"), words("6 weeks or 3 months"));
    }

    #[test]
    fn the_shipped_model_reads() {
        let model = Opinion::parse(SHIPPED).expect("rules/second-opinion.tsv");
        assert!(model.knows("bmi-threshold"));
        assert!(model.veto_below < model.fire_above);
    }

    #[test]
    fn training_learns_a_separable_rule_and_renders_back() {
        let mut examples = Vec::new();
        for k in 0..20 {
            examples.push(Example {
                text: format!("referral refused when the score is below {k}"),
                expect: vec!["gate".into()],
            });
            examples.push(Example {
                text: format!("we record the score at visit {k} and discuss it"),
                expect: vec![],
            });
        }
        let model = train(&examples, &["gate".into()]);
        let gate = model
            .score("gate", "referral refused when the score is low")
            .unwrap_or(0.0);
        let talk = model
            .score("gate", "we record the score and discuss it")
            .unwrap_or(1.0);
        assert!(gate > 0.8 && talk < 0.2, "{gate} {talk}");
        let back = Opinion::parse(&model.render()).expect("renders to a readable file");
        let again = back
            .score("gate", "referral refused when the score is low")
            .unwrap_or(0.0);
        assert!((again - gate).abs() < 0.01);
    }

    #[test]
    fn a_broken_file_is_an_error_not_a_panic() {
        assert!(Opinion::parse("weight\tx\ty\tnot-a-number").is_err());
        assert!(Opinion::parse("what\tis\tthis").is_err());
        assert!(Opinion::parse("idf\tx\tNaN").is_err());
    }
}
