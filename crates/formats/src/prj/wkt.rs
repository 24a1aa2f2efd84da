//! A small reader of OGC WKT (versions 1 and 2, and ESRI's dialect) into a
//! tree of keyword nodes: enough to find a system's name, authority code,
//! projection, parameters, ellipsoid and unit.

/// One value inside a node's brackets.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A nested `KEYWORD[...]`.
    Node(Node),
    /// A quoted string, without its quotes.
    Text(String),
    /// A number or a bare word (`NORTH`), as written.
    Word(String),
}

/// `KEYWORD[arg, arg, ...]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// The keyword, upper-cased (`PROJCS`, `GEOGCRS`, `PARAMETER`).
    pub keyword: String,
    /// The values between the brackets, in order.
    pub args: Vec<Value>,
}

impl Node {
    /// The first quoted string: the object's name.
    pub fn name(&self) -> Option<&str> {
        self.args.iter().find_map(|a| match a {
            Value::Text(t) => Some(t.as_str()),
            _ => None,
        })
    }

    /// The `i`-th value that is not a node, as a number.
    pub fn number(&self, i: usize) -> Option<f64> {
        self.args
            .iter()
            .filter(|a| !matches!(a, Value::Node(_)))
            .nth(i)
            .and_then(|a| match a {
                Value::Word(w) | Value::Text(w) => w.trim().parse::<f64>().ok(),
                Value::Node(_) => None,
            })
            .filter(|v| v.is_finite())
    }

    /// The direct children that are nodes.
    pub fn children(&self) -> impl Iterator<Item = &Node> {
        self.args.iter().filter_map(|a| match a {
            Value::Node(n) => Some(n),
            _ => None,
        })
    }

    /// The first direct child with one of these keywords.
    pub fn child(&self, keywords: &[&str]) -> Option<&Node> {
        self.children().find(|n| keywords.contains(&n.keyword.as_str()))
    }

    /// The first node with one of these keywords, depth first, this one included.
    pub fn find(&self, keywords: &[&str]) -> Option<&Node> {
        if keywords.contains(&self.keyword.as_str()) {
            return Some(self);
        }
        self.children().find_map(|c| c.find(keywords))
    }
}

/// Parses WKT text into its root node. Errors say where the text stops
/// making sense (English; the caller reports "not WKT" in both languages).
pub(crate) fn parse(text: &str) -> Result<Node, String> {
    let mut p = Parser { chars: text.char_indices().peekable(), text };
    p.skip_blanks();
    let node = p.node()?;
    p.skip_blanks();
    match p.chars.peek() {
        None => Ok(node),
        Some(&(at, _)) => Err(format!("unexpected text after the end at character {at}")),
    }
}

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    text: &'a str,
}

impl Parser<'_> {
    fn skip_blanks(&mut self) {
        while self.chars.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
    }

    fn position(&mut self) -> usize {
        self.chars.peek().map_or(self.text.len(), |&(i, _)| i)
    }

    /// A bare word: letters, digits, `_ . + -`.
    fn word(&mut self) -> String {
        let mut w = String::new();
        while let Some((_, c)) = self.chars.next_if(|&(_, c)| c.is_alphanumeric() || "_.+-".contains(c)) {
            w.push(c);
        }
        w
    }

    fn node(&mut self) -> Result<Node, String> {
        let at = self.position();
        let keyword = self.word();
        if keyword.is_empty() || !keyword.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(format!("expected a keyword at character {at}"));
        }
        self.skip_blanks();
        self.body(keyword)
    }

    /// The bracketed part of a node whose keyword has been read.
    fn body(&mut self, keyword: String) -> Result<Node, String> {
        let close = match self.chars.next() {
            Some((_, '[')) => ']',
            Some((_, '(')) => ')',
            _ => return Err(format!("expected '[' after {keyword}")),
        };
        let mut args = Vec::new();
        loop {
            self.skip_blanks();
            match self.chars.peek().copied() {
                Some((_, c)) if c == close && args.is_empty() => {
                    self.chars.next();
                    break;
                }
                Some((_, '"')) => args.push(Value::Text(self.quoted()?)),
                Some((_, c)) if c.is_ascii_alphabetic() => {
                    let w = self.word();
                    self.skip_blanks();
                    if matches!(self.chars.peek(), Some((_, '[' | '('))) {
                        args.push(Value::Node(self.body(w)?));
                    } else {
                        args.push(Value::Word(w));
                    }
                }
                Some((_, c)) if c.is_ascii_digit() || "+-.".contains(c) => args.push(Value::Word(self.word())),
                Some((i, c)) => return Err(format!("unexpected '{c}' at character {i}")),
                None => return Err(format!("the text ends inside {keyword}")),
            }
            self.skip_blanks();
            match self.chars.next() {
                Some((_, ',')) => {}
                Some((_, c)) if c == close => break,
                Some((i, c)) => return Err(format!("expected ',' or '{close}' at character {i}, found '{c}'")),
                None => return Err(format!("the text ends inside {keyword}")),
            }
        }
        Ok(Node { keyword: keyword.to_ascii_uppercase(), args })
    }

    fn quoted(&mut self) -> Result<String, String> {
        let at = self.position();
        self.chars.next(); // the opening quote
        let mut s = String::new();
        loop {
            match self.chars.next() {
                Some((_, '"')) => {
                    if self.chars.next_if(|&(_, c)| c == '"').is_some() {
                        s.push('"');
                    } else {
                        return Ok(s);
                    }
                }
                Some((_, c)) => s.push(c),
                None => return Err(format!("the string starting at character {at} is not closed")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_nodes_names_and_numbers_are_read() {
        let n = parse(r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],UNIT["Degree",0.0174532925199433]]"#).unwrap();
        assert_eq!(n.keyword, "GEOGCS");
        assert_eq!(n.name(), Some("GCS_WGS_1984"));
        let s = n.find(&["SPHEROID"]).unwrap();
        assert_eq!(s.number(1), Some(6378137.0));
        assert_eq!(s.number(2), Some(298.257223563));
    }

    #[test]
    fn bare_words_parentheses_and_doubled_quotes_are_read() {
        let n = parse(r#"PROJCS("a ""b""", AXIS["Easting", EAST], AUTHORITY["EPSG","4548"])"#).unwrap();
        assert_eq!(n.name(), Some("a \"b\""));
        assert_eq!(n.child(&["AXIS"]).unwrap().args[1], Value::Word("EAST".into()));
        assert_eq!(n.child(&["AUTHORITY"]).unwrap().number(1), Some(4548.0));
    }

    #[test]
    fn broken_text_is_an_error_not_a_panic() {
        for bad in ["", "PROJCS[", "PROJCS[\"x\"", "[1]", "GEOGCS[\"x\"]]", "PROJCS[\"x\" \"y\"]", "日本[1]"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
