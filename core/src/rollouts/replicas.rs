//! Replica arithmetic of the Argo Rollouts controller and of the Deployment controller.
//!
//! Every formula is the controller's, including its integer widths: the basic canary's
//! `specReplicas*desiredWeight` is an int32 product in Go and wraps on overflow, and Go's
//! float-to-int32 conversion of an out-of-range value gives `math.MinInt32` on amd64. Keeping
//! those makes absurd inputs (10^9 replicas) give the controller's answer instead of a panic.
//! Sources (argo-rollouts 9f8d111): `utils/replicaset/canary.go`, `utils/replicaset/replicaset.go`
//! (`resolveFenceposts`); Kubernetes `pkg/controller/deployment/util/deployment_util.go`.

use super::lint::go_atoi;
use super::view::IntOrStr;

/// Go's `int32(f)` for a float64 on amd64: truncation, `MinInt32` when out of range or NaN.
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn go_int32(f: f64) -> i32 {
    let t = f.trunc();
    if t >= f64::from(i32::MIN) && t <= f64::from(i32::MAX) { t as i32 } else { i32::MIN }
}

/// `approximateWeightedCanaryStableReplicaCounts`: the basic canary's (canary, stable) counts.
pub(crate) fn basic_canary_counts(
    spec_replicas: i32,
    weight: i32,
    max_weight: i32,
    max_surge: i32,
) -> (i32, i32) {
    if spec_replicas == 0 {
        return (0, 0);
    }
    let product = f64::from(spec_replicas.wrapping_mul(weight));
    let ceil = go_int32((product / f64::from(max_weight)).ceil());
    let floor = go_int32((product / f64::from(max_weight)).floor());
    let tied = |total: i32| {
        let x = f64::from(total) * (f64::from(weight) / f64::from(max_weight));
        #[allow(clippy::float_cmp)]
        let tied = x.fract() == 0.5;
        tied
    };
    let zero_allowed =
        weight == max_weight || weight == 0 || (spec_replicas == 1 && max_surge == 0);
    let mut options: Vec<(i32, i32)> = Vec::with_capacity(4);
    if ceil < spec_replicas || zero_allowed {
        options.push((ceil, spec_replicas));
    }
    if !tied(spec_replicas) && (floor != 0 || zero_allowed) {
        options.push((floor, spec_replicas));
    }
    if max_surge > 0 {
        let total = spec_replicas.wrapping_add(1);
        options.push((ceil, total));
        if !tied(total) && (floor != 0 || zero_allowed) {
            options.push((floor, total));
        }
    }
    let delta = |(canary, total): (i32, i32)| {
        let actual = f64::from(canary.wrapping_mul(max_weight)) / f64::from(total);
        (actual - f64::from(weight)).abs()
    };
    let Some(&first) = options.first() else { return (0, spec_replicas) };
    let mut best = first;
    let mut best_delta = delta(first);
    for &option in &options[1..] {
        let d = delta(option);
        if d < best_delta {
            best = option;
            best_delta = d;
        }
    }
    (best.0, best.1.wrapping_sub(best.0))
}

/// `trafficWeightToReplicas`: `ceil(weight * replicas / maxWeight)`.
pub(crate) fn traffic_weight_to_replicas(replicas: i32, weight: i32, max_weight: i32) -> i32 {
    go_int32((f64::from(weight) * f64::from(replicas) / f64::from(max_weight)).ceil())
}

/// `CheckMinPodsPerReplicaSet`: a non-zero count raised to `minPodsPerReplicaSet` (capped at
/// the spec's replicas).
pub(crate) fn min_pods(
    count: i32,
    min_pods_per_replica_set: Option<i32>,
    spec_replicas: i32,
) -> i32 {
    match min_pods_per_replica_set {
        Some(min) if count != 0 => count.max(min.min(spec_replicas)),
        _ => count,
    }
}

/// An int-or-percent scaled to `total`: ints are absolute. With `legacy` (the deprecated
/// `intstr.GetValueFromIntOrPercent` the rollout controller uses) any string is a percentage
/// once every `%` is removed; otherwise (`GetScaledValueFromIntOrPercent`, Deployments) a
/// string must end in `%`. `None` when the string is not such a number (`resolveFenceposts`
/// then gives 0 and 0; the API server refuses such a Deployment).
fn scaled(value: &IntOrStr, total: i32, round_up: bool, legacy: bool) -> Option<i64> {
    let text = match value {
        IntOrStr::Int(i) => return Some(*i),
        IntOrStr::Str(s) if legacy => s.replace('%', ""),
        IntOrStr::Str(s) => s.strip_suffix('%')?.to_string(),
    };
    let body = if legacy { text.strip_prefix(['+', '-']).unwrap_or(&text) } else { &text };
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let scaled = go_atoi(&text) as f64 * f64::from(total) / 100.0;
    #[allow(clippy::cast_possible_truncation)]
    Some(if round_up { scaled.ceil() } else { scaled.floor() } as i64)
}

/// `resolveFenceposts` of the rollout controller: (maxSurge, maxUnavailable) in pods.
pub(crate) fn rollout_fenceposts(
    max_surge: &IntOrStr,
    max_unavailable: &IntOrStr,
    desired: i32,
) -> (i32, i32) {
    let (Some(surge), Some(unavailable)) =
        (scaled(max_surge, desired, true, true), scaled(max_unavailable, desired, false, true))
    else {
        return (0, 0);
    };
    #[allow(clippy::cast_possible_truncation)]
    let (surge, mut unavailable) = (surge as i32, unavailable as i32);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

/// `deploymentutil.ResolveFenceposts`: (maxSurge, maxUnavailable) of a Deployment, or `None`
/// when a value is not an int or a percentage.
pub(crate) fn deployment_fenceposts(
    max_surge: &IntOrStr,
    max_unavailable: &IntOrStr,
    desired: i32,
) -> Option<(i64, i64)> {
    let surge = scaled(max_surge, desired, true, false)?;
    let mut unavailable = scaled(max_unavailable, desired, false, false)?;
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    Some((surge, unavailable.min(i64::from(desired))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(s: &str) -> IntOrStr {
        IntOrStr::Str(s.into())
    }

    #[test]
    fn basic_canary_counts_match_upstream_examples() {
        // argo-rollouts 9f8d111 utils/replicaset/canary_test.go
        // (TestApproximateWeightedNewStableReplicaCounts) and the spec's worked examples.
        let surge = |n: i32| rollout_fenceposts(&pct("25"), &pct("25"), n).0;
        assert_eq!(basic_canary_counts(10, 10, 100, surge(10)), (1, 9));
        assert_eq!(basic_canary_counts(10, 25, 100, 1), (3, 8));
        assert_eq!(basic_canary_counts(10, 25, 100, 0), (3, 7));
        assert_eq!(basic_canary_counts(10, 33, 100, 1), (3, 7));
        assert_eq!(basic_canary_counts(10, 50, 100, 1), (5, 5));
        assert_eq!(basic_canary_counts(10, 75, 100, 1), (8, 3));
        assert_eq!(basic_canary_counts(10, 75, 100, 0), (8, 2));
        assert_eq!(basic_canary_counts(3, 10, 100, 1), (1, 3));
        assert_eq!(basic_canary_counts(3, 50, 100, 1), (2, 2));
        assert_eq!(basic_canary_counts(3, 90, 100, 1), (3, 1));
        assert_eq!(basic_canary_counts(1, 20, 100, 1), (1, 1));
        assert_eq!(basic_canary_counts(1, 20, 100, 0), (0, 1));
        assert_eq!(basic_canary_counts(1, 60, 100, 1), (1, 1));
        assert_eq!(basic_canary_counts(1, 60, 100, 0), (1, 0));
        assert_eq!(basic_canary_counts(5, 100, 100, 2), (5, 0));
        assert_eq!(basic_canary_counts(0, 50, 100, 1), (0, 0));
    }

    #[test]
    fn the_seed_canary_with_five_replicas() {
        // 5 replicas, maxSurge "25" -> ceil(1.25) = 2. 10% -> 1 canary beside 5 stable
        // (6 pods: 16.7% beats 20%); 50% -> 3 and 3.
        let (surge, unavailable) = rollout_fenceposts(&pct("25"), &pct("25"), 5);
        assert_eq!((surge, unavailable), (2, 1));
        assert_eq!(basic_canary_counts(5, 10, 100, surge), (1, 5));
        assert_eq!(basic_canary_counts(5, 50, 100, surge), (3, 3));
    }

    #[test]
    fn go_int32_overflow_is_kept() {
        // 10^9 replicas at 10%: the int32 product wraps in Go, and so it does here.
        let (canary, stable) = basic_canary_counts(1_000_000_000, 10, 100, 250_000_000);
        assert_eq!((canary, stable), (14_100_655, 985_899_345));
        assert_eq!(traffic_weight_to_replicas(1_000_000_000, 10, 100), 100_000_000);
        assert_eq!(go_int32(f64::NAN), i32::MIN);
        assert_eq!(go_int32(1e12), i32::MIN);
    }

    #[test]
    fn routed_counts_round_up_and_respect_min_pods() {
        // utils/replicaset/canary.go trafficWeightToReplicas, CheckMinPodsPerReplicaSet.
        assert_eq!(traffic_weight_to_replicas(10, 5, 100), 1);
        assert_eq!(traffic_weight_to_replicas(10, 33, 100), 4);
        assert_eq!(traffic_weight_to_replicas(10, 60, 100), 6);
        assert_eq!(min_pods(1, Some(2), 10), 2);
        assert_eq!(min_pods(0, Some(2), 10), 0);
        assert_eq!(min_pods(1, Some(20), 3), 3);
    }

    #[test]
    fn fenceposts_read_any_string_as_a_percentage() {
        // utils/replicaset/replicaset.go resolveFenceposts with the deprecated
        // GetValueFromIntOrPercent: "1" is 1 % (ceil 0.1 = 1 surge, floor 0.1 = 0 unavailable);
        // both zero makes maxUnavailable 1.
        assert_eq!(rollout_fenceposts(&pct("1"), &pct("0"), 10), (1, 0));
        assert_eq!(rollout_fenceposts(&pct("1"), &pct("1"), 10), (1, 0));
        assert_eq!(rollout_fenceposts(&pct("0"), &pct("5"), 10), (0, 1));
        assert_eq!(rollout_fenceposts(&IntOrStr::Int(0), &IntOrStr::Int(0), 10), (0, 1));
        assert_eq!(rollout_fenceposts(&pct("300%"), &pct("10%"), 10), (30, 1));
        assert_eq!(rollout_fenceposts(&pct("abc"), &pct("10%"), 10), (0, 0));
        assert_eq!(deployment_fenceposts(&pct("25%"), &pct("25%"), 4), Some((1, 1)));
        assert_eq!(deployment_fenceposts(&pct("25"), &pct("25%"), 4), None);
        assert_eq!(deployment_fenceposts(&IntOrStr::Int(0), &IntOrStr::Int(0), 4), Some((0, 1)));
    }
}
