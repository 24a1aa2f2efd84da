//! A small XML reader, enough for QGIS's bookmark files: elements,
//! attributes, text, the five named entities and character references,
//! comments, CDATA, processing instructions and a DOCTYPE (skipped).
//! Namespaces are not resolved (names are kept as written) and no DTD is
//! read; well-formedness is checked as far as tags must match.

/// One element: its name as written, its attributes in order, its children.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

/// A child of an element.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
}

/// Why a document could not be read: what, and on which line (1-based).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct XmlError {
    pub line: usize,
    pub en: String,
    pub zh: String,
}

impl Element {
    /// The value of an attribute, by name (ASCII case ignored: QGIS wrote
    /// `xMin` in some versions and `xmin` in others).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element of this name (ASCII case ignored).
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name.eq_ignore_ascii_case(name))
    }

    /// The text of the first child element of this name, trimmed.
    pub fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|e| e.text().trim().to_string())
    }

    /// All the text inside, children's included, in document order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }

    /// Every element below this one whose name is `name` (ASCII case
    /// ignored), in document order; an element found is not searched into.
    pub fn descendants_named<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.name.eq_ignore_ascii_case(name) {
                out.push(e);
            } else {
                e.descendants_named(name, out);
            }
        }
    }
}

/// Reads a document and returns its root element.
pub(crate) fn parse(text: &str) -> Result<Element, XmlError> {
    let mut p = Parser { s: text.strip_prefix('\u{feff}').unwrap_or(text), pos: 0 };
    p.prolog()?;
    if !p.rest().starts_with('<') {
        return Err(p.error("no root element", "没有根元素"));
    }
    let root = p.element(0)?;
    p.misc()?;
    if !p.rest().trim_start().is_empty() {
        return Err(p.error("content after the root element", "根元素之后还有内容"));
    }
    Ok(root)
}

/// Elements nested deeper than this are refused (a stack overflow guard).
const MAX_DEPTH: usize = 256;

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn line(&self) -> usize {
        1 + self.s.as_bytes()[..self.pos].iter().filter(|&&b| b == b'\n').count()
    }

    fn error(&self, en: impl Into<String>, zh: impl Into<String>) -> XmlError {
        XmlError { line: self.line(), en: en.into(), zh: zh.into() }
    }

    fn skip_ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start().len();
    }

    /// Skips past `end`, or fails with `what` unterminated.
    fn skip_past(&mut self, end: &str, what_en: &str, what_zh: &str) -> Result<(), XmlError> {
        match self.rest().find(end) {
            Some(k) => {
                self.pos += k + end.len();
                Ok(())
            }
            None => Err(self.error(format!("unterminated {what_en}"), format!("{what_zh}没有结束"))),
        }
    }

    /// The XML declaration, comments, processing instructions, DOCTYPE.
    fn prolog(&mut self) -> Result<(), XmlError> {
        loop {
            self.skip_ws();
            let r = self.rest();
            if r.starts_with("<?") {
                self.skip_past("?>", "processing instruction", "处理指令")?;
            } else if r.starts_with("<!--") {
                self.skip_past("-->", "comment", "注释")?;
            } else if r.starts_with("<!DOCTYPE") || r.starts_with("<!doctype") {
                self.doctype()?;
            } else {
                return Ok(());
            }
        }
    }

    /// Comments and processing instructions after the root.
    fn misc(&mut self) -> Result<(), XmlError> {
        loop {
            self.skip_ws();
            let r = self.rest();
            if r.starts_with("<?") {
                self.skip_past("?>", "processing instruction", "处理指令")?;
            } else if r.starts_with("<!--") {
                self.skip_past("-->", "comment", "注释")?;
            } else {
                return Ok(());
            }
        }
    }

    /// `<!DOCTYPE name …>`, with an internal subset in brackets if any.
    fn doctype(&mut self) -> Result<(), XmlError> {
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        for (k, c) in self.rest().char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '[') => depth += 1,
                (None, ']') => depth = depth.saturating_sub(1),
                (None, '>') if depth == 0 => {
                    self.pos += k + 1;
                    return Ok(());
                }
                _ => {}
            }
        }
        Err(self.error("unterminated DOCTYPE", "DOCTYPE 没有结束"))
    }

    fn name(&mut self) -> Result<String, XmlError> {
        let r = self.rest();
        let end = r
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() || matches!(c, '/' | '>' | '=' | '<' | '"' | '\''))
            .map_or(r.len(), |(k, _)| k);
        if end == 0 {
            return Err(self.error("a name was expected", "此处应为名称"));
        }
        self.pos += end;
        Ok(r[..end].to_string())
    }

    /// An element starting at `<`, through its end tag.
    fn element(&mut self, depth: usize) -> Result<Element, XmlError> {
        if depth > MAX_DEPTH {
            return Err(self.error("elements nested too deeply", "元素嵌套过深"));
        }
        self.pos += 1; // '<'
        let name = self.name()?;
        let mut el = Element { name, ..Element::default() };
        loop {
            self.skip_ws();
            let r = self.rest();
            if let Some(after) = r.strip_prefix("/>") {
                self.pos = self.s.len() - after.len();
                return Ok(el);
            }
            if r.starts_with('>') {
                self.pos += 1;
                break;
            }
            if r.is_empty() {
                return Err(
                    self.error(format!("unterminated tag <{}>", el.name), format!("标签 <{}> 没有结束", el.name))
                );
            }
            let key = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return Err(self.error(
                    format!("attribute {key} of <{}> has no value", el.name),
                    format!("<{}> 的属性 {key} 没有值", el.name),
                ));
            }
            self.pos += 1;
            self.skip_ws();
            let quote = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => {
                    return Err(self.error(
                        format!("the value of attribute {key} is not quoted"),
                        format!("属性 {key} 的值没有加引号"),
                    ));
                }
            };
            self.pos += 1;
            let Some(len) = self.rest().find(quote) else {
                return Err(
                    self.error(format!("unterminated value of attribute {key}"), format!("属性 {key} 的值没有结束"))
                );
            };
            let raw = &self.rest()[..len];
            let value = self.unescape(raw)?;
            // Attribute values normalise white space characters to spaces.
            let value = value.replace(['\n', '\r', '\t'], " ");
            self.pos += len + 1;
            el.attrs.push((key, value));
        }
        // Content.
        loop {
            let r = self.rest();
            if r.starts_with("</") {
                self.pos += 2;
                let end = self.name()?;
                if end != el.name {
                    return Err(self
                        .error(format!("</{end}> closes <{}>", el.name), format!("</{end}> 与 <{}> 不匹配", el.name)));
                }
                self.skip_ws();
                if !self.rest().starts_with('>') {
                    return Err(
                        self.error(format!("unterminated end tag </{end}>"), format!("结束标签 </{end}> 没有结束"))
                    );
                }
                self.pos += 1;
                return Ok(el);
            } else if r.starts_with("<!--") {
                self.skip_past("-->", "comment", "注释")?;
            } else if let Some(after) = r.strip_prefix("<![CDATA[") {
                let Some(k) = after.find("]]>") else {
                    return Err(self.error("unterminated CDATA section", "CDATA 段没有结束"));
                };
                el.children.push(Node::Text(after[..k].to_string()));
                self.pos = self.s.len() - after.len() + k + 3;
            } else if r.starts_with("<?") {
                self.skip_past("?>", "processing instruction", "处理指令")?;
            } else if r.starts_with('<') {
                let child = self.element(depth + 1)?;
                el.children.push(Node::Element(child));
            } else if r.is_empty() {
                return Err(self.error(format!("<{}> is never closed", el.name), format!("<{}> 没有结束标签", el.name)));
            } else {
                let len = r.find('<').unwrap_or(r.len());
                let text = self.unescape(&r[..len])?;
                el.children.push(Node::Text(text));
                self.pos += len;
            }
        }
    }

    /// Replaces entity and character references.
    fn unescape(&self, raw: &str) -> Result<String, XmlError> {
        if !raw.contains('&') {
            return Ok(raw.to_string());
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(k) = rest.find('&') {
            out.push_str(&rest[..k]);
            let after = &rest[k + 1..];
            let Some(end) = after.find(';').filter(|&e| e <= 10) else {
                return Err(self.error("a bare & (write &amp;)", "出现单独的 &（应写作 &amp;）"));
            };
            let entity = &after[..end];
            let c = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .map(|h| u32::from_str_radix(h, 16))
                    .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            let Some(c) = c else {
                return Err(self.error(format!("unknown entity &{entity};"), format!("未知的实体 &{entity};")));
            };
            out.push(c);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_with_a_doctype_comments_entities_and_cdata_reads_back() {
        let doc = "\u{feff}<?xml version=\"1.0\"?>\n<!DOCTYPE qgis_bookmarks>\n<!-- x -->\n\
                   <root a='1 &amp; 2' b=\"&#x6EE8;&#24030;\"><x>a&lt;b</x><![CDATA[<raw>]]><y/></root>\n";
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "root");
        assert_eq!(root.attr("A"), Some("1 & 2"));
        assert_eq!(root.attr("b"), Some("滨州"));
        assert_eq!(root.child_text("x").as_deref(), Some("a<b"));
        assert_eq!(root.text(), "a<b<raw>");
        assert!(root.child("y").is_some());
    }

    #[test]
    fn a_mismatched_tag_is_an_error_on_its_line() {
        let e = parse("<a>\n<b>\n</a>").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.en.contains("</a> closes <b>"), "{}", e.en);
        assert!(parse("<a x=1/>").is_err());
        assert!(parse("<a>").is_err());
        assert!(parse("<a/><b/>").is_err());
        assert!(parse("<a>&nbsp;</a>").is_err());
    }
}
