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
    /// How rare each known feature is (inverse document frequency).
    idf: HashMap<String, f32>,
    rules: HashMap<String, RuleModel>,
    /// A pattern finding scored below this is dropped.
    pub veto_below: f32,
    /// A sentence naming the subject with no pattern finding fires from this.
    pub fire_above: f32,
    /// A sentence whose patterns matched but an exception or a reporting
    /// context cancelled fires from this: the patterns' cancellations are
    /// often wrong on new wording, but they are deliberate.
    pub overturn_above: f32,
}

#[derive(Debug, Clone, Default)]
struct RuleModel {
    bias: f32,
    weights: HashMap<String, f32>,
}

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

/// Lower-case words, numbers as `0` (so "BMI 35" and "BMI 40" are one
/// feature), and the comparison signs as words of their own.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            // A number, with its decimal point or thousands comma.
            while chars
                .peek()
                .is_some_and(|d| d.is_ascii_digit() || matches!(d, '.' | ','))
            {
                let d = chars.next().unwrap_or('0');
                if !d.is_ascii_digit() && !chars.peek().is_some_and(char::is_ascii_digit) {
                    break;
                }
            }
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
    out
}

/// Each word and each pair of neighbouring words, with how often it occurs.
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

/// Known features weighted by rarity and count, scaled to length one.
fn vector(idf: &HashMap<String, f32>, text: &str) -> Vec<(String, f32)> {
    let mut v: Vec<(String, f32)> = counts(text)
        .into_iter()
        .filter_map(|(f, n)| {
            let rarity = *idf.get(&f)?;
            Some((f, (1.0 + (n as f32).ln()) * rarity))
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

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Opinion {
    /// Whether `rule` has a model.
    pub fn knows(&self, rule: &str) -> bool {
        self.rules.contains_key(rule)
    }

    /// The features of `text` this model knows, for [`Opinion::score_of`].
    pub fn read(&self, text: &str) -> Vec<(String, f32)> {
        vector(&self.idf, text)
    }

    /// How likely (0 to 1) `rule` applies to a text read by
    /// [`Opinion::read`]; `None` for a rule with no model.
    pub fn score_of(&self, rule: &str, features: &[(String, f32)]) -> Option<f32> {
        let m = self.rules.get(rule)?;
        let z: f32 = m.bias
            + features
                .iter()
                .filter_map(|(f, x)| Some(m.weights.get(f)? * x))
                .sum::<f32>();
        Some(sigmoid(f64::from(z)) as f32)
    }

    /// [`Opinion::score_of`] on plain text.
    pub fn score(&self, rule: &str, text: &str) -> Option<f32> {
        self.score_of(rule, &self.read(text))
    }

    /// The features that moved the score most, strongest first, for the
    /// trace.
    pub fn reasons(&self, rule: &str, features: &[(String, f32)], n: usize) -> Vec<(String, f32)> {
        let Some(m) = self.rules.get(rule) else {
            return Vec::new();
        };
        let mut parts: Vec<(String, f32)> = features
            .iter()
            .filter_map(|(f, x)| Some((f.clone(), m.weights.get(f)? * x)))
            .collect();
        parts.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        parts.truncate(n);
        parts
    }

    /// Reads the tab-separated model file (see [`Opinion::render`]).
    pub fn parse(text: &str) -> Result<Opinion, String> {
        let mut model = Opinion::default();
        let number = |s: &str, line: usize| {
            s.parse::<f32>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("line {line}: `{s}` is not a number"))
        };
        for (k, line) in text.lines().enumerate() {
            let at = k + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            match cols.as_slice() {
                ["veto-below", x] => model.veto_below = number(x, at)?,
                ["fire-above", x] => model.fire_above = number(x, at)?,
                ["overturn-above", x] => model.overturn_above = number(x, at)?,
                ["idf", f, x] => {
                    model.idf.insert((*f).to_string(), number(x, at)?);
                }
                ["bias", rule, x] => {
                    model.rules.entry((*rule).to_string()).or_default().bias = number(x, at)?;
                }
                ["weight", rule, f, x] => {
                    model
                        .rules
                        .entry((*rule).to_string())
                        .or_default()
                        .weights
                        .insert((*f).to_string(), number(x, at)?);
                }
                _ => return Err(format!("line {at}: not a model line: `{line}`")),
            }
        }
        Ok(model)
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
        let _ = writeln!(out, "overturn-above\t{}", self.overturn_above);
        let mut idf: Vec<_> = self.idf.iter().collect();
        idf.sort_by(|a, b| a.0.cmp(b.0));
        for (f, x) in idf {
            let _ = writeln!(out, "idf\t{f}\t{x:.4}");
        }
        let mut rules: Vec<_> = self.rules.iter().collect();
        rules.sort_by(|a, b| a.0.cmp(b.0));
        for (rule, m) in rules {
            let _ = writeln!(out, "bias\t{rule}\t{:.4}", m.bias);
            let mut weights: Vec<_> = m.weights.iter().collect();
            weights.sort_by(|a, b| a.0.cmp(b.0));
            for (f, x) in weights {
                let _ = writeln!(out, "weight\t{rule}\t{f}\t{x:.4}");
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
    let docs: Vec<HashMap<String, u32>> = examples.iter().map(|e| counts(&e.text)).collect();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for d in &docs {
        for f in d.keys() {
            *df.entry(f.as_str()).or_insert(0) += 1;
        }
    }
    let idf: HashMap<String, f32> = df
        .into_iter()
        .filter(|&(_, k)| k >= MIN_EXAMPLES)
        .map(|(f, k)| {
            let rarity = ((1.0 + n as f64) / (1.0 + k as f64)).ln() + 1.0;
            (f.to_string(), rarity as f32)
        })
        .collect();
    let mut names: Vec<String> = idf.keys().cloned().collect();
    names.sort();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(k, f)| (f.as_str(), k))
        .collect();
    let rows: Vec<Vec<(usize, f64)>> = examples
        .iter()
        .map(|e| {
            let mut row: Vec<(usize, f64)> = vector(&idf, &e.text)
                .into_iter()
                .filter_map(|(f, x)| Some((*index.get(f.as_str())?, f64::from(x))))
                .collect();
            row.sort_by_key(|&(k, _)| k);
            row
        })
        .collect();
    let mut model = Opinion {
        idf,
        rules: HashMap::new(),
        veto_below: 0.3,
        fire_above: 0.7,
        overturn_above: 0.9,
    };
    for rule in rules {
        let labels: Vec<bool> = examples.iter().map(|e| e.expect.contains(rule)).collect();
        let positives = labels.iter().filter(|&&y| y).count();
        if positives < MIN_POSITIVES || positives == n {
            continue;
        }
        let (weights, bias) = fit(&rows, &labels, names.len());
        let weights = weights
            .into_iter()
            .enumerate()
            .filter(|(_, w)| w.abs() >= PRUNE)
            .map(|(k, w)| (names[k].clone(), w as f32))
            .collect();
        model.rules.insert(
            rule.clone(),
            RuleModel {
                bias: bias as f32,
                weights,
            },
        );
    }
    model
}

/// Logistic regression by full-batch Adam: weights per feature and a bias.
fn fit(rows: &[Vec<(usize, f64)>], labels: &[bool], dims: usize) -> (Vec<f64>, f64) {
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
            let z = w[dims] + row.iter().map(|&(k, x)| w[k] * x).sum::<f64>();
            let weight = if y { up } else { down };
            let g = weight * (sigmoid(z) - f64::from(u8::from(y))) / n;
            for &(k, x) in row {
                grad[k] += g * x;
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

    #[test]
    fn words_fold_numbers_and_keep_comparisons() {
        assert_eq!(
            words("BMI ≥ 35.5 kg/m2, or 1,200 steps; (age 18-65)"),
            ["bmi", "≥", "0", "kg", "m0", "or", "0", "steps", "age", "0", "0"]
        );
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
