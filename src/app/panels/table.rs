//! The attribute table: every site of the visible layers, one row each,
//! with the model's fields and every extra property as columns. Virtualised
//! (only the rows on screen are laid out), so 100 000 rows scroll smoothly.
//!
//! Click a header to sort (again to reverse), filter by text, status, layer,
//! county and plan year, export what is listed as CSV or GeoJSON. Selection
//! goes both ways: clicking a row asks the app to select the site and fly to
//! it ([`PanelAction::FlyTo`]); a site selected elsewhere is scrolled into
//! view. A panel's selection (the sites behind a dashboard figure or an audit
//! entry) can be listed alone with [`TableState::list_sites`].
//!
//! Rows, columns and filter choices are computed only when the data, year,
//! layer visibility, filter or sort change, never per frame.

use std::path::Path;
use std::sync::Arc;

use egui::{Align, RichText, Sense, Ui};
use egui_extras::{Column as TableColumn, TableBuilder};

use super::ctx::{DataKey, PanelAction, PanelCtx};
use super::labelled_combo;
use crate::app::i18n::Lang;
use crate::app::map::style::{darker, status_colour};
use binzhou_core::model::{Dataset, LayerKey, StatusClass, YearView};
use binzhou_core::table::{Column, Filter, Sort, cell, columns_for, rows};

/// Writes the listed rows as CSV (UTF-8 with BOM, cells as the table shows them), atomically.
pub fn export_csv(
    path: &Path,
    ds: &Dataset,
    rows: &[usize],
    columns: &[Column],
    view: YearView,
    lang: Lang,
) -> std::io::Result<()> {
    binzhou_core::save::write_atomic(path, |w| {
        binzhou_core::export::write_sites_csv(w, ds, rows, columns, view, lang == Lang::Zh)
    })
}

/// Writes the listed rows' sites as a GeoJSON FeatureCollection, atomically.
pub fn export_geojson(path: &Path, ds: &Dataset, rows: &[usize], name: &str) -> std::io::Result<()> {
    binzhou_core::save::write_atomic(path, |w| {
        binzhou_core::export::write_feature_collection(w, name, rows.iter().map(|&i| &ds.sites[i]))
    })
}

/// The table's state: filter and sort are kept between runs; the rest is caches.
#[derive(Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TableState {
    /// Which rows to show.
    pub filter: Filter,
    /// The sort order; `None` keeps the dataset's order.
    pub sort: Option<Sort>,
    #[serde(skip)]
    listed: Option<Listed>,
    #[serde(skip)]
    listed_generation: u64,
    #[serde(skip)]
    cache: Option<RowsCache>,
    #[serde(skip)]
    choices: Option<Choices>,
    #[serde(skip)]
    seen_selection: Vec<usize>,
    #[serde(skip)]
    scroll_to: Option<usize>,
    #[serde(skip)]
    message: Option<(bool, String)>,
    /// An export button pressed: the app asks where, then calls [`export_to`].
    #[serde(skip)]
    export_request: Option<ExportRequest>,
}

/// What the table's export buttons hand the app's file dialog: the rows
/// listed and the columns shown when the button was pressed.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// The GeoJSON button (else the CSV one): which type the dialog offers first.
    pub geojson: bool,
    pub rows: Arc<Vec<usize>>,
    pub columns: Arc<Vec<Column>>,
    pub view: YearView,
}

/// Writes an export to `path` by its extension: `.csv` as the table shows
/// it, `.geojson` the sites, anything else [`binzhou_formats::write`]
/// writes (GeoPackage, Shapefile, KML/KMZ, Excel). Returns the notes of a
/// writer that had to change something, as the user should read them.
pub fn export_to(path: &Path, req: &ExportRequest, ds: &Dataset, lang: Lang) -> Result<Vec<String>, String> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let io = |e: std::io::Error| lang.pick(&binzhou_core::model::Msg::from_io(&e)).to_owned();
    match ext.as_str() {
        "csv" => export_csv(path, ds, &req.rows, &req.columns, req.view, lang).map(|()| Vec::new()).map_err(io),
        "geojson" | "json" => {
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            export_geojson(path, ds, &req.rows, &name).map(|()| Vec::new()).map_err(io)
        }
        _ => binzhou_formats::write(path, ds, &req.rows, lang == Lang::Zh)
            .map(|r| r.notes.iter().map(|m| lang.pick(m).to_owned()).collect())
            .map_err(|e| match e {
                binzhou_formats::FormatError::Io { source, .. } => io(source),
                other => other.to_string(),
            }),
    }
}

impl TableState {
    /// The export the user asked for, once.
    pub fn take_export_request(&mut self) -> Option<ExportRequest> {
        self.export_request.take()
    }

    /// Says how an export went, beside the export buttons.
    pub fn set_export_message(&mut self, ok: bool, text: String) {
        self.message = Some((ok, text));
    }
}

impl std::fmt::Debug for TableState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableState")
            .field("filter", &self.filter)
            .field("sort", &self.sort)
            .field("listed", &self.listed.as_ref().map(|l| l.sites.len()))
            .finish_non_exhaustive()
    }
}

struct Listed {
    sites: Vec<usize>,
}

#[derive(Clone, PartialEq)]
struct RowsKey {
    data: DataKey,
    view: YearView,
    filter: Filter,
    sort: Option<Sort>,
    visible: Vec<bool>,
    listed: u64,
}

struct RowsCache {
    key: RowsKey,
    rows: Arc<Vec<usize>>,
    columns: Arc<Vec<Column>>,
}

/// The choices of the filter's combo boxes, from the data.
struct Choices {
    data: DataKey,
    /// Key, Chinese name, English name.
    layers: Vec<(LayerKey, String, String, String)>,
    districts: Vec<String>,
    years: Vec<i32>,
}

impl Choices {
    fn of(ds: &Dataset, data: DataKey) -> Self {
        let layers =
            ds.layers().into_iter().map(|l| (l.key.clone(), l.key.key(), l.key.name_zh(), l.key.name_en())).collect();
        let mut districts: Vec<String> = ds.sites.iter().filter_map(|s| s.district().map(str::to_string)).collect();
        districts.sort();
        districts.dedup();
        let mut years: Vec<i32> = ds.sites.iter().filter_map(|s| s.plan_year).collect();
        years.sort_unstable();
        years.dedup();
        Choices { data, layers, districts, years }
    }
}

impl TableState {
    /// The rows the table showed last frame (its filter, sort or list).
    pub fn shown_rows(&self) -> Option<Arc<Vec<usize>>> {
        self.cache.as_ref().map(|c| c.rows.clone())
    }

    /// Lists only these sites (the sites behind a dashboard figure or an
    /// audit entry), sorted by the table's order, until [`Self::clear_list`].
    pub fn list_sites(&mut self, sites: Vec<usize>) {
        self.listed = Some(Listed { sites });
        self.listed_generation += 1;
    }

    /// Back to every site of the visible layers that passes the filter.
    pub fn clear_list(&mut self) {
        if self.listed.take().is_some() {
            self.listed_generation += 1;
        }
    }

    /// Whether a panel's selection is listed alone.
    pub fn is_listing(&self) -> bool {
        self.listed.is_some()
    }

    /// Sorts by `column`, or reverses the order when already sorted by it.
    pub fn sort_by(&mut self, column: Column) {
        self.sort = Some(match self.sort.take() {
            Some(s) if s.column == column => Sort { column, descending: !s.descending },
            _ => Sort { column, descending: false },
        });
    }

    /// The rows shown (indices into `Dataset::sites`), in order.
    pub fn rows(&mut self, ctx: &PanelCtx) -> Arc<Vec<usize>> {
        self.refresh(ctx);
        self.cache.as_ref().map(|c| c.rows.clone()).unwrap_or_default()
    }

    /// The columns shown.
    pub fn columns(&mut self, ctx: &PanelCtx) -> Arc<Vec<Column>> {
        self.refresh(ctx);
        self.cache.as_ref().map(|c| c.columns.clone()).unwrap_or_default()
    }

    fn refresh(&mut self, ctx: &PanelCtx) {
        let data = ctx.data_key();
        if self.choices.as_ref().is_none_or(|c| c.data != data) {
            if self.choices.is_some() {
                // A list of sites of the old data means nothing in the new.
                self.clear_list();
            }
            self.choices = Some(Choices::of(ctx.dataset, data));
        }
        let visible: Vec<bool> =
            self.choices.as_ref().map(|c| c.layers.iter().map(|l| (ctx.visible)(&l.0)).collect()).unwrap_or_default();
        let key = RowsKey {
            data,
            view: ctx.view,
            filter: self.filter.clone(),
            sort: self.sort.clone(),
            visible,
            listed: self.listed_generation,
        };
        if self.cache.as_ref().is_some_and(|c| c.key == key) {
            return;
        }
        let ds = ctx.dataset;
        let list: Vec<usize> = match &self.listed {
            Some(l) => {
                let mut wanted = vec![false; ds.sites.len()];
                for &i in &l.sites {
                    if let Some(w) = wanted.get_mut(i) {
                        *w = true;
                    }
                }
                let mut r = rows(ds, &|_| true, &Filter::default(), self.sort.as_ref(), ctx.view);
                r.retain(|&i| wanted[i]);
                r
            }
            None => rows(ds, ctx.visible, &self.filter, self.sort.as_ref(), ctx.view),
        };
        let columns = columns_for(ds, &list);
        self.cache = Some(RowsCache { key, rows: Arc::new(list), columns: Arc::new(columns) });
        // A fresh list: scroll to the selection again.
        self.seen_selection.clear();
    }
}

fn filter_bar(ui: &mut Ui, state: &mut TableState, lang: Lang) {
    let Some(ch) = state.choices.as_ref() else { return };
    let t = lang.text();
    let any = t.table_filter_all;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(t.table_filter);
        ui.add(egui::TextEdit::singleline(&mut state.filter.text).hint_text(t.table_filter_hint).desired_width(160.0))
            .labelled_by(label.id);
        let f = &mut state.filter;
        let status_text = f.status.map(|s| lang.status(s)).unwrap_or(any);
        labelled_combo(ui, t.table_by_status, status_text, |ui| {
            ui.selectable_value(&mut f.status, None, any);
            for s in StatusClass::ALL {
                ui.selectable_value(&mut f.status, Some(s), lang.status(s));
            }
        });
        let layer_text = f
            .layer
            .as_ref()
            .and_then(|k| ch.layers.iter().find(|l| &l.1 == k))
            .map(|l| if lang == Lang::Zh { l.2.clone() } else { l.3.clone() })
            .unwrap_or_else(|| any.to_string());
        labelled_combo(ui, t.table_by_layer, layer_text, |ui| {
            ui.selectable_value(&mut f.layer, None, any);
            for (_, key, zh, en) in &ch.layers {
                ui.selectable_value(&mut f.layer, Some(key.clone()), if lang == Lang::Zh { zh } else { en });
            }
        });
        let district_text = f.district.as_deref().map(|d| lang.district(d)).unwrap_or_else(|| any.to_string());
        labelled_combo(ui, t.table_by_county, district_text, |ui| {
            ui.selectable_value(&mut f.district, None, any);
            for d in &ch.districts {
                ui.selectable_value(&mut f.district, Some(d.clone()), lang.district(d));
            }
        });
        let year_text = f.plan_year.map(|y| y.to_string()).unwrap_or_else(|| any.to_string());
        labelled_combo(ui, t.table_by_plan_year, year_text, |ui| {
            ui.selectable_value(&mut f.plan_year, None, any);
            for &y in &ch.years {
                ui.selectable_value(&mut f.plan_year, Some(y), y.to_string());
            }
        });
        if *f != Filter::default() && ui.button(t.table_clear_filter).clicked() {
            *f = Filter::default();
        }
    });
}

fn column_width(col: &Column) -> f32 {
    match col {
        Column::Id => 90.0,
        Column::Name => 210.0,
        // Wide enough for the English names ("Dead-end roads & bridges").
        Column::Layer => 170.0,
        Column::LeadUnit => 150.0,
        Column::Task | Column::PlanYear => 64.0,
        Column::Kind => 96.0,
        Column::Status => 84.0,
        Column::District => 150.0,
        Column::Scope | Column::Started | Column::Completed | Column::LengthKm => 84.0,
        Column::AreaM2 => 90.0,
        Column::Extra(_) => 110.0,
    }
}

/// Draws the table. Returns [`PanelAction::FlyTo`] when a row is clicked.
pub fn show(ui: &mut Ui, state: &mut TableState, ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
    let ds = ctx.dataset;
    let mut action = None;
    state.refresh(ctx);

    if let Some(l) = &state.listed {
        let n = l.sites.len();
        let mut clear = false;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(lang.table_listing_selected(n)).strong());
            clear = ui.button(lang.text().table_show_all).clicked();
        });
        if clear {
            state.clear_list();
            state.refresh(ctx);
        }
    } else {
        filter_bar(ui, state, lang);
        state.refresh(ctx);
    }
    let cache = state.cache.as_ref()?;
    let list = cache.rows.clone();
    let columns = cache.columns.clone();

    ui.horizontal_wrapped(|ui| {
        ui.label(lang.table_rows(list.len(), ctx.view));
        if ui.button(lang.text().table_export_csv).clicked() {
            export_dialog(state, ctx, &list, &columns, false);
        }
        if ui.button(lang.text().table_export_geojson).clicked() {
            export_dialog(state, ctx, &list, &columns, true);
        }
        if let Some((ok, msg)) = &state.message {
            let colour = if *ok { ui.visuals().weak_text_color() } else { ui.visuals().error_fg_color };
            ui.label(RichText::new(msg).color(colour));
        }
    });

    // A selection made elsewhere (a map click) is scrolled into view, once.
    if ctx.selection != state.seen_selection.as_slice() {
        state.seen_selection = ctx.selection.to_vec();
        state.scroll_to = ctx.selection.first().and_then(|s| list.iter().position(|i| i == s));
    }
    let mut sorted_selection = ctx.selection.to_vec();
    sorted_selection.sort_unstable();
    let is_selected = |i: usize| sorted_selection.binary_search(&i).is_ok();

    let zh = lang == Lang::Zh;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let mut clicked_header = None;
    egui::ScrollArea::horizontal().id_salt("attribute-table-h").show(ui, |ui| {
        let mut table = TableBuilder::new(ui)
            .id_salt("attribute-table")
            .striped(true)
            .resizable(true)
            .sense(Sense::click())
            .cell_layout(egui::Layout::left_to_right(Align::Center))
            .min_scrolled_height(0.0)
            .auto_shrink([false, false]);
        for col in columns.iter() {
            table = table.column(TableColumn::initial(column_width(col)).at_least(36.0).clip(true));
        }
        if let Some(r) = state.scroll_to.take() {
            table = table.scroll_to_row(r, None);
        }
        table
            .header(row_height, |mut header| {
                for col in columns.iter() {
                    header.col(|ui| {
                        let (t_zh, t_en) = col.title();
                        let title = if zh { t_zh } else { t_en };
                        let resp = ui
                            .add(egui::Button::new(RichText::new(&title).strong()).frame(false))
                            .on_hover_text(lang.text().table_sort_hint);
                        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &title));
                        if let Some(s) = state.sort.as_ref().filter(|s| &s.column == col) {
                            sort_mark(ui, s.descending);
                        }
                        if resp.clicked() {
                            clicked_header = Some(col.clone());
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, list.len(), |mut row| {
                    let i = list[row.index()];
                    let site = &ds.sites[i];
                    row.set_selected(is_selected(i));
                    for col in columns.iter() {
                        row.col(|ui| {
                            let text = cell(site, col, ctx.view, zh);
                            if *col == Column::Status && site.has_schedule() {
                                // A swatch, not coloured text: it stays readable on a selected row.
                                let c = status_colour(site.status(ctx.view).class());
                                super::swatch(ui, c, darker(c));
                            }
                            // Not selectable: a click on the text is a click on the row.
                            ui.add(egui::Label::new(text).selectable(false));
                        });
                    }
                    let r = row.response();
                    if r.clicked() {
                        // Ctrl+click adds the row to the sites selected together.
                        let adding = r.ctx.input(|i| i.modifiers.command);
                        action = Some(if adding { PanelAction::Toggle(i) } else { PanelAction::FlyTo(i) });
                    }
                });
            });
    });
    if let Some(col) = clicked_header {
        state.sort_by(col);
    }
    action
}

/// A small triangle after a sorted column's title: up ascending, down descending.
fn sort_mark(ui: &mut Ui, descending: bool) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(9.0, 9.0), Sense::hover());
    let c = rect.center();
    let (h, w) = (3.5, 4.0);
    let points = if descending {
        vec![egui::pos2(c.x - w, c.y - h), egui::pos2(c.x + w, c.y - h), egui::pos2(c.x, c.y + h)]
    } else {
        vec![egui::pos2(c.x - w, c.y + h), egui::pos2(c.x + w, c.y + h), egui::pos2(c.x, c.y - h)]
    };
    ui.painter().add(egui::Shape::convex_polygon(points, ui.visuals().strong_text_color(), egui::Stroke::NONE));
}

fn export_dialog(
    state: &mut TableState,
    ctx: &PanelCtx,
    list: &Arc<Vec<usize>>,
    columns: &Arc<Vec<Column>>,
    geojson: bool,
) {
    state.export_request =
        Some(ExportRequest { geojson, rows: list.clone(), columns: columns.clone(), view: ctx.view });
}
