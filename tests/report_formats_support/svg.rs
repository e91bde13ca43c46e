//! The charts of a report page, parsed as XML.

#![allow(dead_code)]

use std::collections::BTreeMap;

use watchdesk::report::html::charts;

pub struct Chart {
    pub id: String,
    pub svg: String,
}

/// Each `<figure id="chart-…">` of the page and the SVG inside it.
pub fn charts(page: &str) -> Vec<Chart> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("<figure id=\"chart-") {
        let after = &rest[at + "<figure id=\"chart-".len()..];
        let id = &after[..after.find('"').unwrap()];
        let start = after.find("<svg").unwrap();
        let end = after.find("</svg>").unwrap() + "</svg>".len();
        out.push(Chart {
            id: id.to_string(),
            svg: after[start..end].to_string(),
        });
        rest = &after[end..];
    }
    out
}

/// The points of the data lines (polylines in a series colour), by colour.
pub fn lines_by_colour(doc: &roxmltree::Document) -> BTreeMap<String, Vec<(f64, f64)>> {
    let palette: Vec<String> = (0..10)
        .map(|n| {
            let c = charts::colour(n);
            format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
        })
        .collect();
    let mut out: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for node in doc.descendants().filter(|n| n.has_tag_name("polyline")) {
        let stroke = node.attribute("stroke").unwrap_or("").to_ascii_uppercase();
        if !palette.contains(&stroke) {
            continue;
        }
        let points = node
            .attribute("points")
            .unwrap_or("")
            .split_whitespace()
            .filter_map(|p| {
                let (x, y) = p.split_once(',')?;
                Some((x.parse().ok()?, y.parse().ok()?))
            });
        out.entry(stroke).or_default().extend(points);
    }
    out
}

/// Every text drawn.
pub fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}
