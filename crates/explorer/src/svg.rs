//! Charts drawn as inline SVG on the server: no script, no library, readable without either.

use crate::html::esc;
use std::fmt::Write as _;

/// A heatmap of a weight matrix: one row per validator (uid), one column per uid, darker for
/// a larger weight. `rows` holds (validator uid, [(uid, weight of 65535)]).
pub(crate) fn heatmap(n: usize, rows: &[(u16, Vec<(u16, u16)>)]) -> String {
    if n == 0 || rows.is_empty() {
        return r#"<p class="empty">No weights set yet.</p>"#.into();
    }
    let cell = (640 / n.max(1)).clamp(3, 24);
    let (label, width, height) = (40, 40 + cell * n, 16 + cell * rows.len());
    let mut out = format!(
        r#"<svg class="heatmap" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"><title>Weights: one row per validator, one column per uid</title>"#
    );
    for (i, (validator, weights)) in rows.iter().enumerate() {
        let y = 16 + i * cell;
        let _ = write!(
            out,
            r#"<text x="0" y="{}" class="axis">{validator}</text>"#,
            y + cell.min(12)
        );
        let max = weights.iter().map(|(_, w)| *w).max().unwrap_or(0).max(1);
        for (uid, weight) in weights {
            let uid = usize::from(*uid);
            if uid >= n || *weight == 0 {
                continue;
            }
            let opacity = f64::from(*weight) / f64::from(max);
            let _ = write!(
                out,
                r#"<rect x="{}" y="{y}" width="{cell}" height="{cell}" fill-opacity="{opacity:.3}"><title>{validator} → {uid}: {weight}</title></rect>"#,
                label + uid * cell
            );
        }
    }
    let _ = write!(
        out,
        r#"<text x="{label}" y="11" class="axis">uid 0 → {}</text>"#,
        n - 1
    );
    out.push_str("</svg>");
    out
}

/// A line chart of one or more series over the same x values (block numbers).
pub(crate) fn lines(title: &str, xs: &[u64], series: &[(&str, Vec<f64>)]) -> String {
    if xs.len() < 2 || series.is_empty() {
        return format!(
            r#"<p class="empty">{}: not enough history kept by this node yet.</p>"#,
            esc(title)
        );
    }
    let (width, height, pad) = (640.0, 180.0, 30.0);
    let (x0, x1) = (xs[0] as f64, xs[xs.len() - 1] as f64);
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let x = |v: u64| pad + (v as f64 - x0) / (x1 - x0).max(1.0) * (width - 2.0 * pad);
    let y = |v: f64| height - pad - v / max * (height - 2.0 * pad);
    let mut out = format!(
        r#"<figure><svg class="chart" role="img" viewBox="0 0 {width} {height}"><title>{}</title>"#,
        esc(title)
    );
    let _ = write!(
        out,
        r#"<line class="axis" x1="{pad}" y1="{0}" x2="{1}" y2="{0}"/><text class="axis" x="{pad}" y="{2}">{3}</text><text class="axis" x="{1}" y="{2}" text-anchor="end">{4}</text>"#,
        height - pad,
        width - pad,
        height - 8.0,
        xs[0],
        xs[xs.len() - 1]
    );
    for (i, (name, values)) in series.iter().enumerate() {
        let points: Vec<String> = xs
            .iter()
            .zip(values)
            .map(|(a, b)| format!("{:.1},{:.1}", x(*a), y(*b)))
            .collect();
        let _ = write!(
            out,
            r#"<polyline class="series s{}" fill="none" points="{}"><title>{}</title></polyline>"#,
            i % 6,
            points.join(" "),
            esc(name)
        );
    }
    out.push_str("</svg><figcaption>");
    for (i, (name, _)) in series.iter().enumerate() {
        let _ = write!(out, r#"<span class="key s{}">{}</span> "#, i % 6, esc(name));
    }
    out.push_str("</figcaption></figure>");
    out
}
