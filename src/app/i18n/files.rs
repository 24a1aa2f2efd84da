//! The file-choosing strings: the in-app file browser (used where the
//! platform's dialog cannot open), the file types offered, save-as and the
//! dialog setting.

use super::Lang;

/// The fixed strings of choosing files, one table per language.
#[derive(Debug)]
pub struct FileText {
    pub title_open: &'static str,
    pub title_open_folder: &'static str,
    pub title_save_as: &'static str,
    pub title_export: &'static str,
    pub title_journals: &'static str,
    pub title_dashboard_csv: &'static str,
    pub title_dashboard_png: &'static str,
    pub title_photos: &'static str,
    pub title_tile_package: &'static str,
    pub title_tile_folder: &'static str,
    pub title_prefetch_output: &'static str,
    pub location: &'static str,
    pub go: &'static str,
    pub parent: &'static str,
    pub parent_hint: &'static str,
    pub places: &'static str,
    pub home: &'static str,
    pub data_folder: &'static str,
    pub desktop: &'static str,
    pub documents: &'static str,
    pub downloads: &'static str,
    pub root: &'static str,
    pub file_name: &'static str,
    pub file_type: &'static str,
    pub open: &'static str,
    pub choose_folder: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub show_hidden: &'static str,
    pub empty_folder: &'static str,
    pub overwrite_title: &'static str,
    pub overwrite: &'static str,
    pub keys_hint: &'static str,
    pub folder_mark: &'static str,
    pub all_files: &'static str,
    pub save_as_name: &'static str,
    pub geojson: &'static str,
    pub gpkg: &'static str,
    pub shp: &'static str,
    pub kml: &'static str,
    pub kmz: &'static str,
    pub csv: &'static str,
    pub table_csv: &'static str,
    pub xlsx: &'static str,
    pub stats_csv: &'static str,
    pub png: &'static str,
    pub mbtiles: &'static str,
    pub dialog_setting: &'static str,
    pub dialog_auto: &'static str,
    pub dialog_auto_hint: &'static str,
    pub dialog_native: &'static str,
    pub dialog_in_app: &'static str,
    pub native_failed: &'static str,
}

pub static ZH: FileText = FileText {
    title_open: "打开数据文件",
    title_open_folder: "打开数据文件夹",
    title_save_as: "另存为",
    title_export: "导出属性表",
    title_journals: "合并其他小组的核查日志",
    title_dashboard_csv: "导出统计表",
    title_dashboard_png: "导出统计图片",
    title_photos: "添加现场照片",
    title_tile_package: "打开离线底图文件",
    title_tile_folder: "打开瓦片文件夹",
    title_prefetch_output: "离线底图保存为",
    location: "路径",
    go: "转到",
    parent: "↑ 上一级",
    parent_hint: "上一级文件夹（Alt+↑）",
    places: "常用位置",
    home: "主目录",
    data_folder: "数据文件夹",
    desktop: "桌面",
    documents: "文档",
    downloads: "下载",
    root: "根目录 /",
    file_name: "文件名",
    file_type: "文件类型",
    open: "打开",
    choose_folder: "选择此文件夹",
    save: "保存",
    cancel: "取消",
    show_hidden: "显示隐藏文件",
    empty_folder: "（此文件夹中没有这类文件）",
    overwrite_title: "文件已存在",
    overwrite: "覆盖",
    keys_hint: "双击打开文件夹 · Enter 确认 · Esc 取消",
    folder_mark: "文件夹",
    all_files: "所有文件",
    save_as_name: "滨州城市品质提升项目",
    geojson: "GeoJSON（.geojson）",
    gpkg: "GeoPackage（.gpkg）",
    shp: "Shapefile（.shp）",
    kml: "KML（.kml）",
    kmz: "KMZ（.kmz）",
    csv: "CSV 项目属性（.csv）",
    table_csv: "CSV 按表中所示（.csv，Excel 可打开）",
    xlsx: "Excel 工作簿（.xlsx）",
    stats_csv: "CSV 统计表（.csv，Excel 可打开）",
    png: "PNG 图片（.png）",
    mbtiles: "MBTiles 瓦片包（.mbtiles）",
    dialog_setting: "文件对话框",
    dialog_auto: "自动",
    dialog_auto_hint: "有桌面门户或 zenity 时用系统对话框，否则用内置浏览器",
    dialog_native: "系统对话框",
    dialog_in_app: "内置浏览器",
    native_failed: "系统文件对话框没有打开（缺少桌面门户或 zenity），已改用内置浏览器。",
};

pub static EN: FileText = FileText {
    title_open: "Open data files",
    title_open_folder: "Open data folder",
    title_save_as: "Save as",
    title_export: "Export the table",
    title_journals: "Merge another team's check journal",
    title_dashboard_csv: "Export the figures",
    title_dashboard_png: "Export the dashboard as an image",
    title_photos: "Add field photos",
    title_tile_package: "Open an offline basemap file",
    title_tile_folder: "Open a tile folder",
    title_prefetch_output: "Save the offline basemap as",
    location: "Path",
    go: "Go",
    parent: "↑ Up",
    parent_hint: "The parent folder (Alt+↑)",
    places: "Places",
    home: "Home",
    data_folder: "Data folder",
    desktop: "Desktop",
    documents: "Documents",
    downloads: "Downloads",
    root: "Root /",
    file_name: "File name",
    file_type: "File type",
    open: "Open",
    choose_folder: "Choose this folder",
    save: "Save",
    cancel: "Cancel",
    show_hidden: "Show hidden files",
    empty_folder: "(no files of this type here)",
    overwrite_title: "File exists",
    overwrite: "Replace",
    keys_hint: "Double-click opens a folder · Enter confirms · Esc cancels",
    folder_mark: "folder",
    all_files: "All files",
    save_as_name: "binzhou-sites",
    geojson: "GeoJSON (.geojson)",
    gpkg: "GeoPackage (.gpkg)",
    shp: "Shapefile (.shp)",
    kml: "KML (.kml)",
    kmz: "KMZ (.kmz)",
    csv: "CSV, the sites' properties (.csv)",
    table_csv: "CSV as the table shows it (.csv, opens in Excel)",
    xlsx: "Excel workbook (.xlsx)",
    stats_csv: "CSV figures (.csv, opens in Excel)",
    png: "PNG image (.png)",
    mbtiles: "MBTiles package (.mbtiles)",
    dialog_setting: "File dialog",
    dialog_auto: "Automatic",
    dialog_auto_hint: "The system's dialog where a desktop portal or zenity is installed, else the built-in browser",
    dialog_native: "System dialog",
    dialog_in_app: "Built-in browser",
    native_failed: "The system's file dialog did not open (no desktop portal or zenity): using the built-in browser.",
};

impl Lang {
    /// The fixed strings of choosing files.
    pub fn files(self) -> &'static FileText {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// The question before a file is replaced.
    pub fn overwrite_question(self, name: &str) -> String {
        match self {
            Lang::Zh => format!("“{name}”已存在。要覆盖它吗？"),
            Lang::En => format!("“{name}” already exists. Replace it?"),
        }
    }

    /// A folder the browser cannot list.
    pub fn folder_unreadable(self, dir: &str, why: &str) -> String {
        match self {
            Lang::Zh => format!("无法读取文件夹 {dir}：{why}"),
            Lang::En => format!("Cannot read the folder {dir}: {why}"),
        }
    }

    /// A path typed in the location bar that is not a folder.
    pub fn not_a_folder(self, path: &str) -> String {
        match self {
            Lang::Zh => format!("{path} 不是文件夹"),
            Lang::En => format!("{path} is not a folder"),
        }
    }

    /// After save-as.
    pub fn saved_as(self, path: &str, sites: usize) -> String {
        match self {
            Lang::Zh => format!("已另存为 {path}（{sites} 个项目）"),
            Lang::En => format!("Saved {sites} site{} as {path}", if sites == 1 { "" } else { "s" }),
        }
    }

    /// Save-as that failed.
    pub fn save_as_failed(self, why: &str) -> String {
        match self {
            Lang::Zh => format!("另存失败：{why}"),
            Lang::En => format!("Save as failed: {why}"),
        }
    }

    /// Every file a save wrote, when it wrote more than one (a Shapefile).
    pub fn files_written(self, names: &str) -> String {
        match self {
            Lang::Zh => format!("写入的文件：{names}"),
            Lang::En => format!("Files written: {names}"),
        }
    }

    /// A file chosen as an offline basemap that is not one.
    pub fn not_a_tile_package(self, path: &str) -> String {
        match self {
            Lang::Zh => format!("{path} 不是离线底图（MBTiles 或 PMTiles 文件）"),
            Lang::En => format!("{path} is not an offline basemap (an MBTiles or PMTiles file)"),
        }
    }

    /// A file's size in the browser.
    pub fn file_size(self, bytes: u64) -> String {
        let (v, unit) = match bytes {
            b if b < 1024 => return format!("{b} B"),
            b if b < 1024 * 1024 => (b as f64 / 1024.0, "KB"),
            b if b < 1024 * 1024 * 1024 => (b as f64 / (1024.0 * 1024.0), "MB"),
            b => (b as f64 / (1024.0 * 1024.0 * 1024.0), "GB"),
        };
        format!("{v:.1} {unit}")
    }

    /// How many files are chosen, on the open button.
    pub fn open_count(self, n: usize) -> String {
        let t = self.files();
        match (self, n) {
            (_, 0 | 1) => t.open.to_owned(),
            (Lang::Zh, n) => format!("{}（{n}）", t.open),
            (Lang::En, n) => format!("{} ({n})", t.open),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_the_largest_unit_below_1024() {
        assert_eq!(Lang::Zh.file_size(512), "512 B");
        assert_eq!(Lang::En.file_size(2048), "2.0 KB");
        assert_eq!(Lang::En.file_size(5 * 1024 * 1024 + 1), "5.0 MB");
    }
}
