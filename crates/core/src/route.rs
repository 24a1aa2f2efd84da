//! Today's route: an order to visit a set of sites from where the team is,
//! short by straight-line geodesic distance (roads are not known here).
//! Nearest neighbour first, then 2-opt (reversing a stretch) and relocation
//! (moving one stop elsewhere) until neither shortens it, from a few starts.

use geo::{Distance, Geodesic, Point};

/// The geodesic distance between two lon/lat points, metres.
pub fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    Geodesic.distance(Point::new(a.0, a.1), Point::new(b.0, b.1))
}

/// The length of a route from `start` through `stops` in `order`, metres.
pub fn length_m(start: (f64, f64), stops: &[(f64, f64)], order: &[usize]) -> f64 {
    let mut at = start;
    let mut sum = 0.0;
    for &k in order {
        sum += metres(at, stops[k]);
        at = stops[k];
    }
    sum
}

/// An order to visit every stop once, starting from `start` (the route does
/// not come back). Short, not always the shortest: nearest neighbour from
/// a few first stops, each improved by relocation and 2-opt, the best kept.
///
/// ```
/// use binzhou_core::route::plan;
/// let stops = [(118.03, 37.38), (118.01, 37.38), (118.02, 37.38)];
/// assert_eq!(plan((118.0, 37.38), &stops), vec![1, 2, 0]);
/// ```
pub fn plan(start: (f64, f64), stops: &[(f64, f64)]) -> Vec<usize> {
    let n = stops.len();
    if n == 0 {
        return Vec::new();
    }
    // Distances: node 0 is the start, nodes 1..=n the stops.
    let node = |k: usize| if k == 0 { start } else { stops[k - 1] };
    let d: Vec<Vec<f64>> = (0..=n).map(|a| (0..=n).map(|b| metres(node(a), node(b))).collect()).collect();
    let len = |path: &[usize]| path.windows(2).map(|w| d[w[0]][w[1]]).sum::<f64>();
    // Local search gets stuck where two moves are needed at once, so it
    // starts from several tours: nearest neighbour after each of the stops
    // nearest the start as the first.
    let mut firsts: Vec<usize> = (1..=n).collect();
    firsts.sort_by(|&a, &b| d[0][a].total_cmp(&d[0][b]));
    firsts.truncate(MAX_RESTARTS);
    let mut best: Option<(f64, Vec<usize>)> = None;
    for first in firsts {
        let path = improve(nearest_neighbour(&d, first), &d);
        let l = len(&path);
        if best.as_ref().is_none_or(|(b, _)| l + 1e-6 < *b) {
            best = Some((l, path));
        }
    }
    best.map(|(_, p)| p).unwrap_or_default().into_iter().skip(1).map(|k| k - 1).collect()
}

/// How many first stops [`plan`] tries.
const MAX_RESTARTS: usize = 24;

/// A path from node 0 through `first`, then always to the nearest node left.
fn nearest_neighbour(d: &[Vec<f64>], first: usize) -> Vec<usize> {
    let mut left: Vec<usize> = (1..d.len()).filter(|&k| k != first).collect();
    let mut path = vec![0, first];
    while !left.is_empty() {
        let here = path[path.len() - 1];
        let pos = (0..left.len()).min_by(|&a, &b| d[here][left[a]].total_cmp(&d[here][left[b]])).unwrap_or(0);
        path.push(left.swap_remove(pos));
    }
    path
}

/// Relocation and 2-opt until neither shortens the open path.
fn improve(mut path: Vec<usize>, d: &[Vec<f64>]) -> Vec<usize> {
    let len = |path: &[usize]| path.windows(2).map(|w| d[w[0]][w[1]]).sum::<f64>();
    let mut better = true;
    let mut rounds = 0;
    while better && rounds < 100 {
        better = false;
        rounds += 1;
        // Relocation: take one stop out and put it where it costs least.
        for from in 1..path.len() {
            let before = len(&path);
            let mut trial = path.clone();
            let x = trial.remove(from);
            let best = (1..=trial.len())
                .map(|to| {
                    let mut t = trial.clone();
                    t.insert(to, x);
                    (len(&t), t)
                })
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((l, t)) = best
                && l + 1e-6 < before
            {
                path = t;
                better = true;
            }
        }
        // 2-opt on an open path: reversing path[i..=j] replaces the legs
        // (i-1, i) and (j, j+1) by (i-1, j) and (i, j+1); the last stop has
        // no leg after it.
        for i in 1..path.len() {
            for j in i + 1..path.len() {
                let (a, b, c) = (path[i - 1], path[i], path[j]);
                let after = path.get(j + 1).copied();
                let before = d[a][b] + after.map_or(0.0, |e| d[c][e]);
                let swapped = d[a][c] + after.map_or(0.0, |e| d[b][e]);
                if swapped + 1e-6 < before {
                    path[i..=j].reverse();
                    better = true;
                }
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_along_a_road_are_visited_in_order_from_either_end() {
        let stops: Vec<(f64, f64)> = [5, 1, 4, 2, 3].iter().map(|&k| (118.0 + 0.01 * k as f64, 37.38)).collect();
        let order = plan((118.0, 37.38), &stops);
        let xs: Vec<f64> = order.iter().map(|&k| stops[k].0).collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
        let back = plan((118.1, 37.38), &stops);
        let xs: Vec<f64> = back.iter().map(|&k| stops[k].0).collect();
        assert!(xs.windows(2).all(|w| w[0] > w[1]), "{xs:?}");
    }

    #[test]
    fn the_route_goes_west_first_where_nearest_neighbour_would_double_back() {
        // Along a road from the start: stops 1 east, 1.5 west and 3 east.
        // Nearest neighbour goes east, back west past the start, then east
        // again (8 units); the shortest goes west first (6 units).
        let start = (118.000, 37.380);
        let stops = [(118.010, 37.380), (117.985, 37.380), (118.030, 37.380), (118.011, 37.3805)];
        let order = plan(start, &stops);
        assert_eq!(order[0], 1, "west first: {order:?}");
        let best = permutations(4).into_iter().map(|p| length_m(start, &stops, &p)).fold(f64::INFINITY, f64::min);
        assert!((length_m(start, &stops, &order) - best).abs() < 1.0, "{order:?} is not the shortest");
    }

    #[test]
    fn eight_scattered_sites_get_the_shortest_route_a_brute_force_finds() {
        let mut seed = 0x853c_49e6_748f_ea9bu64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 10_000) as f64 / 10_000.0
        };
        for _ in 0..5 {
            let stops: Vec<(f64, f64)> = (0..8).map(|_| (117.95 + 0.1 * next(), 37.35 + 0.1 * next())).collect();
            let start = (118.0, 37.4);
            let got = length_m(start, &stops, &plan(start, &stops));
            let best = permutations(8).into_iter().map(|p| length_m(start, &stops, &p)).fold(f64::INFINITY, f64::min);
            assert!(got <= best * 1.02, "{got:.0} m against the best {best:.0} m");
        }
    }

    #[test]
    fn nothing_to_visit_is_an_empty_route() {
        assert!(plan((118.0, 37.38), &[]).is_empty());
        assert_eq!(plan((118.0, 37.38), &[(118.1, 37.4)]), vec![0]);
    }

    fn permutations(n: usize) -> Vec<Vec<usize>> {
        if n == 0 {
            return vec![vec![]];
        }
        let mut out = Vec::new();
        for p in permutations(n - 1) {
            for k in 0..=p.len() {
                let mut q = p.clone();
                q.insert(k, n - 1);
                out.push(q);
            }
        }
        out
    }
}
