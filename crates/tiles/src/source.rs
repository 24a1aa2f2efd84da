//! Basemap sources as data: what the user picked in the basemap menu (and
//! the app persists), how each online source builds a tile URL, who to
//! credit, and whether bulk download for offline use is allowed.
//!
//! The Tianditu key (`tk`) is a secret of the user's: it lives in
//! [`TiandituKey`], whose `Debug` hides it, is only put into URLs when a
//! request is made, and every text that may reach a log, the status bar or an
//! error message passes through [`redact`] first.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::coord::{TileCoord, tiles_per_side};
use binzhou_core::model::Bilingual;

/// The environment variable read for the Tianditu key when none is set in
/// the settings.
pub const TIANDITU_KEY_ENV: &str = "TIANDITU_TK";

/// The User-Agent sent to tile servers: the program's name and version, as
/// OpenStreetMap's tile usage policy asks.
pub const USER_AGENT: &str = concat!(
    "binzhou-sites/",
    env!("CARGO_PKG_VERSION"),
    " (desktop map viewer of Binzhou's city-improvement plan sites)"
);

/// What replaces a key in redacted text.
pub const REDACTED: &str = "<redacted>";

/// Why OpenStreetMap's servers are never used for bulk download.
pub const OSM_BULK_REFUSAL: &str = "Downloading an area for offline use is not allowed from \
OpenStreetMap's tile servers (tile.openstreetmap.org): their tile usage policy forbids bulk \
downloading. Use Tianditu, your own tile server, or an MBTiles/PMTiles file instead.";
/// [`OSM_BULK_REFUSAL`] in Chinese.
pub const OSM_BULK_REFUSAL_ZH: &str = "OpenStreetMap 官方瓦片服务器（tile.openstreetmap.org）的使用政策禁止批量下载，\
因此不能下载离线包。请改用天地图、自己的瓦片服务器，或现成的 MBTiles/PMTiles 文件。";

/// Highest zoom OpenStreetMap's standard tiles offer.
const OSM_MAX_ZOOM: u8 = 19;
/// Highest zoom Tianditu's `_w` layers offer.
const TIANDITU_MAX_ZOOM: u8 = 18;
/// Assumed highest zoom of a custom server.
const CUSTOM_MAX_ZOOM: u8 = 19;
/// Subdomains used for `{s}` when a custom template has it but names none.
const DEFAULT_SUBDOMAINS: [&str; 3] = ["a", "b", "c"];

/// One of Tianditu's three Web Mercator base maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TiandituLayer {
    /// Street map (`vec_w`, labels `cva_w`).
    Vec,
    /// Satellite imagery (`img_w`, labels `cia_w`).
    Img,
    /// Terrain shading (`ter_w`, labels `cta_w`).
    Ter,
}

impl TiandituLayer {
    /// Every layer, in menu order.
    pub const ALL: [TiandituLayer; 3] = [TiandituLayer::Vec, TiandituLayer::Img, TiandituLayer::Ter];

    /// The `T=` code of the base layer.
    pub fn base_code(self) -> &'static str {
        match self {
            TiandituLayer::Vec => "vec_w",
            TiandituLayer::Img => "img_w",
            TiandituLayer::Ter => "ter_w",
        }
    }

    /// The `T=` code of the matching Chinese label layer.
    pub fn label_code(self) -> &'static str {
        match self {
            TiandituLayer::Vec => "cva_w",
            TiandituLayer::Img => "cia_w",
            TiandituLayer::Ter => "cta_w",
        }
    }

    /// An English name for menus and messages.
    pub fn name(self) -> &'static str {
        match self {
            TiandituLayer::Vec => "Tianditu streets",
            TiandituLayer::Img => "Tianditu imagery",
            TiandituLayer::Ter => "Tianditu terrain",
        }
    }
}

/// A basemap source the user can choose (persisted by the app).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SourceSpec {
    /// OpenStreetMap's standard tiles (online only; no bulk download).
    Osm,
    /// Tianditu 天地图, optionally with its Chinese label layer on top.
    Tianditu {
        /// Which base map.
        layer: TiandituLayer,
        /// Whether the label layer is drawn over it.
        with_labels: bool,
    },
    /// Any XYZ tile server, by URL template.
    CustomXyz {
        /// The name shown in menus and messages.
        name: String,
        /// URL with `{z}`, `{x}` and `{y}` (or `{-y}` for TMS rows) and
        /// optionally `{s}` for a subdomain.
        template: String,
        /// Values for `{s}`; empty means `a`, `b`, `c`.
        #[serde(default)]
        subdomains: Vec<String>,
        /// The server draws in GCJ-02 (AMap-style), so WGS84 data must be
        /// shifted to line up with it.
        #[serde(default)]
        gcj02: bool,
    },
    /// An MBTiles file (SQLite).
    MbTiles(PathBuf),
    /// A PMTiles archive (raster).
    PmTiles(PathBuf),
    /// A folder of `z/x/y.png|jpg` tiles.
    Folder(PathBuf),
}

/// Credit line for a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    /// Text to show on the map.
    pub text: Cow<'static, str>,
    /// Where the text links to (may be empty).
    pub url: Cow<'static, str>,
}

/// A source that cannot be used as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// Tianditu was chosen but no key is known.
    #[error("Tianditu needs a key (tk): enter it in Settings or set the {TIANDITU_KEY_ENV} environment variable")]
    MissingTiandituKey,
    /// The key has characters a Tianditu key never has.
    #[error("the Tianditu key may only contain letters and digits; check it in Settings")]
    InvalidTiandituKey,
    /// A custom URL template is unusable.
    #[error("the tile URL template \"{template}\" {reason}")]
    BadTemplate {
        /// The template, redacted.
        template: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An offline source was asked for tile URLs.
    #[error("{0} is an offline source, not a tile server")]
    NotRemote(String),
}

impl Bilingual for SourceError {
    /// The same in Chinese.
    fn zh(&self) -> String {
        match self {
            SourceError::MissingTiandituKey => {
                format!("天地图需要密钥（tk）：请在底图设置中填写，或设置环境变量 {TIANDITU_KEY_ENV}")
            }
            SourceError::InvalidTiandituKey => "天地图密钥只能由字母和数字组成，请在底图设置中检查".into(),
            SourceError::BadTemplate { template, reason } => format!("瓦片 URL 模板“{template}”有误：{reason}"),
            SourceError::NotRemote(name) => format!("{name} 是离线来源，不是瓦片服务器"),
        }
    }
}

/// Bulk download (prefetch) is not allowed for this source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BulkDownloadRefused {
    pub message: String,
    /// The same in Chinese.
    pub message_zh: String,
}

impl Bilingual for BulkDownloadRefused {
    fn zh(&self) -> String {
        self.message_zh.clone()
    }
}

impl BulkDownloadRefused {
    fn osm() -> Self {
        BulkDownloadRefused { message: OSM_BULK_REFUSAL.to_owned(), message_zh: OSM_BULK_REFUSAL_ZH.to_owned() }
    }
}

/// A Tianditu key. Its `Debug` output hides it; [`TiandituKey::expose`] is
/// only for putting it into a request URL.
#[derive(Clone, PartialEq, Eq)]
pub struct TiandituKey(String);

impl fmt::Debug for TiandituKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TiandituKey({REDACTED})")
    }
}

impl TiandituKey {
    /// A key from text (surrounding spaces ignored). Tianditu keys are
    /// letters and digits only; anything else is refused without echoing it.
    pub fn new(text: &str) -> Result<TiandituKey, SourceError> {
        let key = text.trim();
        if key.is_empty() {
            return Err(SourceError::MissingTiandituKey);
        }
        if !key.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(SourceError::InvalidTiandituKey);
        }
        Ok(TiandituKey(key.to_owned()))
    }

    /// The key from the settings if one is set there, otherwise from `env`
    /// (the value of [`TIANDITU_KEY_ENV`], passed in so this stays testable).
    pub fn resolve(settings: Option<&str>, env: Option<&str>) -> Result<TiandituKey, SourceError> {
        fn pick(v: Option<&str>) -> Option<&str> {
            v.filter(|s| !s.trim().is_empty())
        }
        match pick(settings).or(pick(env)) {
            Some(text) => TiandituKey::new(text),
            None => Err(SourceError::MissingTiandituKey),
        }
    }

    /// [`TiandituKey::resolve`] with the process environment.
    pub fn from_settings_or_env(settings: Option<&str>) -> Result<TiandituKey, SourceError> {
        let env = std::env::var(TIANDITU_KEY_ENV).ok();
        TiandituKey::resolve(settings, env.as_deref())
    }

    /// The key itself, for building a request URL. Never log or show it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Whether a layer is a base map or a label overlay drawn over one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayerRole {
    /// Drawn first, opaque.
    Base,
    /// Drawn over the base (transparent PNG with names).
    Labels,
}

/// One online tile layer with everything needed to request its tiles.
#[derive(Clone)]
pub struct RemoteLayer {
    name: String,
    template: String,
    subdomains: Vec<String>,
    key: Option<TiandituKey>,
    role: LayerRole,
    gcj02: bool,
    max_zoom: u8,
    credit: Credit,
    /// Why an area of this layer may not be downloaded (OpenStreetMap's policy).
    bulk_refused: bool,
}

impl fmt::Debug for RemoteLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteLayer")
            .field("name", &self.name)
            .field("template", &redact(&self.template))
            .field("subdomains", &self.subdomains)
            .field("has_key", &self.key.is_some())
            .field("role", &self.role)
            .field("gcj02", &self.gcj02)
            .field("max_zoom", &self.max_zoom)
            .finish()
    }
}

impl RemoteLayer {
    /// The URL of one tile (with the key, if the layer has one: use it for
    /// the request only and pass anything shown through [`redact`]).
    ///
    /// `{s}` takes a subdomain chosen by the tile, so the same tile always
    /// has the same URL and HTTP caches keep working.
    pub fn tile_url(&self, tile: TileCoord) -> String {
        let tms = tiles_per_side(tile.z).saturating_sub(1).saturating_sub(tile.y);
        let mut url = self
            .template
            .replace("{z}", &tile.z.to_string())
            .replace("{x}", &tile.x.to_string())
            .replace("{-y}", &tms.to_string())
            .replace("{y}", &tile.y.to_string());
        if url.contains("{s}") && !self.subdomains.is_empty() {
            let i = (u64::from(tile.x) + u64::from(tile.y)) % self.subdomains.len() as u64;
            url = url.replace("{s}", &self.subdomains[i as usize]);
        }
        if let Some(key) = &self.key {
            url = url.replace("{tk}", key.expose());
        }
        url
    }

    /// The server's host name for messages, e.g. `t*.tianditu.gov.cn`.
    pub fn host(&self) -> String {
        host_of(&self.template)
    }

    /// The layer's name for menus and messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Base map or label overlay.
    pub fn role(&self) -> LayerRole {
        self.role
    }

    /// Whether the server draws in GCJ-02 coordinates.
    pub fn is_gcj02(&self) -> bool {
        self.gcj02
    }

    /// The deepest zoom the server offers.
    pub fn max_zoom(&self) -> u8 {
        self.max_zoom
    }

    /// Who to credit on the map.
    pub fn credit(&self) -> &Credit {
        &self.credit
    }

    /// The key the layer sends, if any (for redacting it from texts).
    pub fn key(&self) -> Option<&TiandituKey> {
        self.key.as_ref()
    }

    /// `Ok` if this server may be used to download an area for offline use.
    pub fn check_bulk_download(&self) -> Result<(), BulkDownloadRefused> {
        if self.bulk_refused { Err(BulkDownloadRefused::osm()) } else { Ok(()) }
    }

    /// Redacts `text` for display: any `tk=` value, and this layer's key
    /// wherever else it appears.
    pub fn redact(&self, text: &str) -> String {
        redact_key(text, self.key.as_ref())
    }

    /// The same layer requested from another URL template (tests point a
    /// real source at a loopback server this way).
    #[cfg(any(test, feature = "testkit"))]
    pub fn retarget(mut self, template: &str) -> RemoteLayer {
        self.template = template.to_owned();
        self
    }
}

impl SourceSpec {
    /// A name for menus, messages and the status bar.
    pub fn display_name(&self) -> String {
        let file_name = |p: &PathBuf| {
            p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
        };
        match self {
            SourceSpec::Osm => "OpenStreetMap".to_owned(),
            SourceSpec::Tianditu { layer, with_labels } => {
                if *with_labels {
                    format!("{} with labels", layer.name())
                } else {
                    layer.name().to_owned()
                }
            }
            SourceSpec::CustomXyz { name, .. } if !name.trim().is_empty() => name.trim().to_owned(),
            SourceSpec::CustomXyz { .. } => "Custom XYZ tiles".to_owned(),
            SourceSpec::MbTiles(p) => format!("MBTiles: {}", file_name(p)),
            SourceSpec::PmTiles(p) => format!("PMTiles: {}", file_name(p)),
            SourceSpec::Folder(p) => format!("Tile folder: {}", file_name(p)),
        }
    }

    /// Whether tiles come over the network.
    pub fn is_remote(&self) -> bool {
        matches!(self, SourceSpec::Osm | SourceSpec::Tianditu { .. } | SourceSpec::CustomXyz { .. })
    }

    /// Whether the source draws in GCJ-02, so WGS84 sites must be shifted
    /// onto it (and the status bar should say so).
    pub fn is_gcj02(&self) -> bool {
        matches!(self, SourceSpec::CustomXyz { gcj02: true, .. })
    }

    /// Who to credit on the map.
    pub fn credit(&self) -> Credit {
        match self {
            SourceSpec::Osm => osm_credit(),
            SourceSpec::Tianditu { .. } => tianditu_credit(),
            SourceSpec::CustomXyz { .. } => Credit { text: Cow::Owned(self.display_name()), url: Cow::Borrowed("") },
            SourceSpec::MbTiles(_) | SourceSpec::PmTiles(_) | SourceSpec::Folder(_) => {
                Credit { text: Cow::Owned(self.display_name()), url: Cow::Borrowed("") }
            }
        }
    }

    /// The online layers to draw, bottom first (a Tianditu base map and its
    /// label layer are two). `key` is only needed for Tianditu.
    pub fn remote_layers(&self, key: Option<&TiandituKey>) -> Result<Vec<RemoteLayer>, SourceError> {
        match self {
            SourceSpec::Osm => Ok(vec![RemoteLayer {
                name: "OpenStreetMap".to_owned(),
                template: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".to_owned(),
                subdomains: Vec::new(),
                key: None,
                role: LayerRole::Base,
                gcj02: false,
                max_zoom: OSM_MAX_ZOOM,
                credit: osm_credit(),
                bulk_refused: true,
            }]),
            SourceSpec::Tianditu { layer, with_labels } => {
                let key = key.ok_or(SourceError::MissingTiandituKey)?;
                let make = |code: &str, name: String, role| RemoteLayer {
                    name,
                    template: format!(
                        "http://t{{s}}.tianditu.gov.cn/DataServer?T={code}&x={{x}}&y={{y}}&l={{z}}&tk={{tk}}"
                    ),
                    subdomains: (0..8).map(|i| i.to_string()).collect(),
                    key: Some(key.clone()),
                    role,
                    gcj02: false,
                    max_zoom: TIANDITU_MAX_ZOOM,
                    credit: tianditu_credit(),
                    bulk_refused: false,
                };
                let mut layers = vec![make(layer.base_code(), layer.name().to_owned(), LayerRole::Base)];
                if *with_labels {
                    layers.push(make(layer.label_code(), format!("{} labels", layer.name()), LayerRole::Labels));
                }
                Ok(layers)
            }
            SourceSpec::CustomXyz { template, subdomains, gcj02, .. } => {
                check_template(template)?;
                let subdomains = if template.contains("{s}") && subdomains.is_empty() {
                    DEFAULT_SUBDOMAINS.iter().map(|s| (*s).to_owned()).collect()
                } else {
                    subdomains.clone()
                };
                let refused = is_osm_host(&host_of(template));
                Ok(vec![RemoteLayer {
                    name: self.display_name(),
                    template: template.trim().to_owned(),
                    subdomains,
                    key: None,
                    role: LayerRole::Base,
                    gcj02: *gcj02,
                    max_zoom: CUSTOM_MAX_ZOOM,
                    credit: if refused { osm_credit() } else { self.credit() },
                    bulk_refused: refused,
                }])
            }
            SourceSpec::MbTiles(_) | SourceSpec::PmTiles(_) | SourceSpec::Folder(_) => {
                Err(SourceError::NotRemote(self.display_name()))
            }
        }
    }

    /// `Ok` if an area of this source may be downloaded for offline use.
    /// Refused for OpenStreetMap's servers (also when reached through a
    /// custom template) and pointless for offline files.
    pub fn check_bulk_download(&self) -> Result<(), BulkDownloadRefused> {
        match self {
            SourceSpec::Osm => Err(BulkDownloadRefused::osm()),
            SourceSpec::Tianditu { .. } => Ok(()),
            SourceSpec::CustomXyz { template, .. } => {
                if is_osm_host(&host_of(template)) {
                    Err(BulkDownloadRefused::osm())
                } else {
                    Ok(())
                }
            }
            SourceSpec::MbTiles(_) | SourceSpec::PmTiles(_) | SourceSpec::Folder(_) => Err(BulkDownloadRefused {
                message: format!("{} is already an offline file; there is nothing to download", self.display_name()),
                message_zh: format!("{} 已是离线文件，无需下载", self.display_name()),
            }),
        }
    }
}

fn osm_credit() -> Credit {
    Credit {
        text: Cow::Borrowed("© OpenStreetMap contributors"),
        url: Cow::Borrowed("https://www.openstreetmap.org/copyright"),
    }
}

fn tianditu_credit() -> Credit {
    Credit { text: Cow::Borrowed("© 天地图 Tianditu"), url: Cow::Borrowed("https://www.tianditu.gov.cn") }
}

/// Checks a custom URL template for sense.
fn check_template(template: &str) -> Result<(), SourceError> {
    let t = template.trim();
    let bad = |reason| Err(SourceError::BadTemplate { template: redact(t), reason });
    if !(t.starts_with("http://") || t.starts_with("https://")) {
        return bad("must start with http:// or https://");
    }
    if t.chars().any(char::is_whitespace) {
        return bad("must not contain spaces");
    }
    if !(t.contains("{z}") && t.contains("{x}") && (t.contains("{y}") || t.contains("{-y}"))) {
        return bad("must contain {z}, {x} and {y} (or {-y})");
    }
    if host_of(t).is_empty() {
        return bad("has no host name");
    }
    Ok(())
}

/// The host part of a URL or template, lower-cased, with a leading `{s}.`
/// dropped and any other `{s}` shown as `*`.
fn host_of(url: &str) -> String {
    let rest = url.trim();
    let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.rfind(':') {
        Some(i) if host[i + 1..].chars().all(|c| c.is_ascii_digit()) => &host[..i],
        _ => host,
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("{s}.").unwrap_or(&host);
    redact(&host.replace("{s}", "*"))
}

/// Whether a host belongs to OpenStreetMap's own tile servers.
fn is_osm_host(host: &str) -> bool {
    ["tile.openstreetmap.org", "tile.osm.org"].iter().any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

/// `text` with the value of every `tk=` parameter (any case, also
/// percent-encoded as `tk%3D`) replaced by [`REDACTED`]. Apply it to every
/// URL, error and log message that may contain a Tianditu request.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(value_start) = find_key_value(rest) {
        out.push_str(&rest[..value_start]);
        let value = &rest[value_start..];
        let end = value.find(is_value_end).unwrap_or(value.len());
        if end > 0 {
            out.push_str(REDACTED);
        }
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

/// [`redact`], and also every verbatim occurrence of `key` (in case a
/// message quotes it outside a URL).
pub fn redact_key(text: &str, key: Option<&TiandituKey>) -> String {
    let text = redact(text);
    match key {
        Some(key) if !key.expose().is_empty() => text.replace(key.expose(), REDACTED),
        _ => text,
    }
}

/// Byte offset just past the first `tk=` / `tk%3d` (any case) in `text`.
fn find_key_value(text: &str) -> Option<usize> {
    // ASCII lower-casing keeps byte offsets, so they index `text` too.
    let lower = text.to_ascii_lowercase();
    ["tk=", "tk%3d"].iter().filter_map(|p| lower.find(p).map(|i| i + p.len())).min()
}

/// Where a parameter value ends in a URL or in text around one.
fn is_value_end(c: char) -> bool {
    c.is_whitespace() || matches!(c, '&' | '#' | '"' | '\'' | '<' | '>' | ')' | ']' | '}' | ',' | ';' | '|' | '`')
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAKE_KEY: &str = "0123456789abcdefFAKEKEY000000000";

    fn key() -> TiandituKey {
        TiandituKey::new(FAKE_KEY).unwrap()
    }

    fn tile(z: u8, x: u32, y: u32) -> TileCoord {
        TileCoord::new(z, x, y).unwrap()
    }

    #[test]
    fn osm_tile_urls_put_zoom_column_and_row_in_order() {
        let layers = SourceSpec::Osm.remote_layers(None).unwrap();
        assert_eq!(layers.len(), 1);
        assert_eq!(layers[0].tile_url(tile(12, 3390, 1588)), "https://tile.openstreetmap.org/12/3390/1588.png");
        assert_eq!(layers[0].host(), "tile.openstreetmap.org");
        assert!(layers[0].credit().text.contains("OpenStreetMap"));
    }

    #[test]
    fn tianditu_streets_with_labels_is_a_base_layer_and_a_label_layer() {
        let spec = SourceSpec::Tianditu { layer: TiandituLayer::Vec, with_labels: true };
        let layers = spec.remote_layers(Some(&key())).unwrap();
        assert_eq!(layers.len(), 2);
        assert_eq!(layers[0].role(), LayerRole::Base);
        assert_eq!(layers[1].role(), LayerRole::Labels);
        let url = layers[0].tile_url(tile(12, 3390, 1588));
        assert!(url.starts_with("http://t"), "{url}");
        assert!(url.contains(".tianditu.gov.cn/DataServer?T=vec_w&x=3390&y=1588&l=12&tk="));
        assert!(url.ends_with(FAKE_KEY));
        let labels = layers[1].tile_url(tile(12, 3390, 1588));
        assert!(labels.contains("T=cva_w"));
        assert_eq!(layers[0].host(), "t*.tianditu.gov.cn");
    }

    #[test]
    fn each_tianditu_layer_has_its_own_label_layer() {
        let codes: Vec<_> = TiandituLayer::ALL.iter().map(|l| (l.base_code(), l.label_code())).collect();
        assert_eq!(codes, vec![("vec_w", "cva_w"), ("img_w", "cia_w"), ("ter_w", "cta_w")]);
        let spec = SourceSpec::Tianditu { layer: TiandituLayer::Img, with_labels: false };
        let layers = spec.remote_layers(Some(&key())).unwrap();
        assert_eq!(layers.len(), 1);
        assert!(layers[0].tile_url(tile(3, 6, 3)).contains("T=img_w"));
    }

    #[test]
    fn tianditu_subdomains_stay_within_t0_to_t7_and_are_stable_per_tile() {
        let spec = SourceSpec::Tianditu { layer: TiandituLayer::Ter, with_labels: false };
        let layer = &spec.remote_layers(Some(&key())).unwrap()[0];
        let mut seen = std::collections::BTreeSet::new();
        for x in 0..16 {
            let url = layer.tile_url(tile(4, x, 5));
            assert_eq!(url, layer.tile_url(tile(4, x, 5)));
            let sub = url.strip_prefix("http://t").and_then(|r| r.split('.').next()).unwrap().to_owned();
            seen.insert(sub);
        }
        let expected: std::collections::BTreeSet<String> = (0..8).map(|i| i.to_string()).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn tianditu_without_a_key_is_an_error_naming_the_settings_and_the_variable() {
        let spec = SourceSpec::Tianditu { layer: TiandituLayer::Vec, with_labels: true };
        let err = spec.remote_layers(None).unwrap_err();
        assert_eq!(err, SourceError::MissingTiandituKey);
        let text = err.to_string();
        assert!(text.contains("Settings") && text.contains(TIANDITU_KEY_ENV), "{text}");
    }

    #[test]
    fn the_key_in_settings_wins_over_the_environment() {
        let k = TiandituKey::resolve(Some(" settingskey1 "), Some("envkey2")).unwrap();
        assert_eq!(k.expose(), "settingskey1");
        let k = TiandituKey::resolve(Some("  "), Some("envkey2")).unwrap();
        assert_eq!(k.expose(), "envkey2");
        assert_eq!(TiandituKey::resolve(None, None), Err(SourceError::MissingTiandituKey));
    }

    #[test]
    fn a_key_with_url_characters_is_refused_without_echoing_it() {
        let err = TiandituKey::new("abc&T=img_w").unwrap_err();
        assert_eq!(err, SourceError::InvalidTiandituKey);
        assert!(!err.to_string().contains("abc&T"));
    }

    #[test]
    fn custom_templates_fill_subdomains_and_flip_rows_for_tms() {
        let spec = SourceSpec::CustomXyz {
            name: "Local".into(),
            template: "https://{s}.example.org/tiles/{z}/{x}/{-y}.png".into(),
            subdomains: vec![],
            gcj02: true,
        };
        let layer = &spec.remote_layers(None).unwrap()[0];
        assert!(layer.is_gcj02() && spec.is_gcj02());
        // (1 + 0) % 3 = 1 → "b"; TMS row of y=0 at z=2 is 3.
        assert_eq!(layer.tile_url(tile(2, 1, 0)), "https://b.example.org/tiles/2/1/3.png");
        assert_eq!(layer.host(), "example.org");
        assert!(layer.check_bulk_download().is_ok());
    }

    #[test]
    fn a_custom_template_without_x_y_z_or_scheme_is_refused() {
        for template in [
            "https://example.org/{z}/{x}.png",
            "example.org/{z}/{x}/{y}.png",
            "https:///{z}/{x}/{y}.png",
            "https://example.org/{z}/{x}/{y}.png?a b",
        ] {
            let spec = SourceSpec::CustomXyz {
                name: String::new(),
                template: template.into(),
                subdomains: vec![],
                gcj02: false,
            };
            assert!(matches!(spec.remote_layers(None), Err(SourceError::BadTemplate { .. })), "{template}");
        }
    }

    #[test]
    fn bulk_download_is_refused_for_openstreetmap_with_a_clear_message() {
        let err = SourceSpec::Osm.check_bulk_download().unwrap_err();
        assert!(err.to_string().contains("tile.openstreetmap.org"));
        assert!(err.to_string().contains("usage policy"));
        let layer = &SourceSpec::Osm.remote_layers(None).unwrap()[0];
        assert_eq!(layer.check_bulk_download(), Err(err.clone()));
        // The same servers behind a custom template are refused too.
        let spec = SourceSpec::CustomXyz {
            name: "OSM again".into(),
            template: "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            subdomains: vec![],
            gcj02: false,
        };
        assert_eq!(spec.check_bulk_download(), Err(err.clone()));
        assert_eq!(spec.remote_layers(None).unwrap()[0].check_bulk_download(), Err(err));
    }

    #[test]
    fn bulk_download_is_allowed_for_tianditu_and_pointless_for_files() {
        let spec = SourceSpec::Tianditu { layer: TiandituLayer::Vec, with_labels: true };
        assert!(spec.check_bulk_download().is_ok());
        let err = SourceSpec::MbTiles("/data/binzhou.mbtiles".into()).check_bulk_download().unwrap_err();
        assert!(err.to_string().contains("binzhou.mbtiles"));
    }

    #[test]
    fn redact_removes_every_key_value_from_urls_and_messages() {
        let url = format!("http://t3.tianditu.gov.cn/DataServer?T=vec_w&x=1&y=2&l=3&tk={FAKE_KEY}");
        let r = redact(&url);
        assert!(!r.contains(FAKE_KEY));
        assert!(r.ends_with("&tk=<redacted>"), "{r}");

        let msg = format!(
            "error sending request for url ({url}): connection refused; retry TK={FAKE_KEY}&x=1 and tk%3D{FAKE_KEY}"
        );
        let r = redact(&msg);
        assert!(!r.contains(FAKE_KEY), "{r}");
        assert!(r.contains("): connection refused"), "{r}");
        assert!(r.contains("TK=<redacted>&x=1"), "{r}");

        assert_eq!(redact("no secrets here"), "no secrets here");
        assert_eq!(redact("tk="), "tk=");
        assert_eq!(redact("中文 tk=abc 中文"), "中文 tk=<redacted> 中文");
    }

    #[test]
    fn redact_key_also_removes_the_key_outside_a_parameter() {
        let r = redact_key(&format!("key {FAKE_KEY} was refused"), Some(&key()));
        assert_eq!(r, "key <redacted> was refused");
    }

    #[test]
    fn debug_output_of_a_key_or_a_layer_never_shows_the_key() {
        assert!(!format!("{:?}", key()).contains(FAKE_KEY));
        let spec = SourceSpec::Tianditu { layer: TiandituLayer::Vec, with_labels: true };
        let layers = spec.remote_layers(Some(&key())).unwrap();
        let text = format!("{layers:?}");
        assert!(!text.contains(FAKE_KEY), "{text}");
        assert!(text.contains("has_key: true"));
    }

    #[test]
    fn a_source_choice_round_trips_through_json() {
        let specs = vec![
            SourceSpec::Osm,
            SourceSpec::Tianditu { layer: TiandituLayer::Img, with_labels: true },
            SourceSpec::CustomXyz {
                name: "AMap".into(),
                template: "https://wprd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=7".into(),
                subdomains: vec!["1".into(), "2".into()],
                gcj02: true,
            },
            SourceSpec::MbTiles("a.mbtiles".into()),
            SourceSpec::PmTiles("b.pmtiles".into()),
            SourceSpec::Folder("tiles".into()),
        ];
        let json = serde_json::to_string(&specs).unwrap();
        let back: Vec<SourceSpec> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, specs);
        // Older settings without the optional fields still load.
        let old: SourceSpec =
            serde_json::from_str(r#"{"CustomXyz":{"name":"x","template":"https://e.org/{z}/{x}/{y}.png"}}"#).unwrap();
        assert!(!old.is_gcj02());
    }
}
