//! A small seeded random number generator (SplitMix64) for the data generators.
//!
//! The generated data must be identical on every machine, for every thread count and for
//! every release of a dependency, so the generator lives here rather than in a crate whose
//! streams may change between versions. Parallel generation derives one independent
//! stream per (table, column, chunk) with [`Rng::stream`], so the output does not depend on
//! how the chunks are scheduled.

/// SplitMix64 (Steele, Lea and Flood, 2014): 64 bits of state, passes BigCrush, and
/// seeding from consecutive integers gives independent-looking streams.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: mix(seed) }
    }

    /// The generator of stream `ids` (e.g. table, column, chunk) under `seed`: the same
    /// ids always give the same stream, different ids unrelated ones.
    pub fn stream(seed: u64, ids: &[u64]) -> Self {
        let mut state = mix(seed);
        for &id in ids {
            state = mix(state ^ mix(id.wrapping_add(GAMMA)));
        }
        Self { state }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix(self.state)
    }

    /// A uniform integer in `0..n` (`n > 0`), by Lemire's multiply-and-reject method, so
    /// there is no modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// A uniform float in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Shuffles `values` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, values: &mut [T]) {
        for i in (1..values.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            values.swap(i, j);
        }
    }

    /// `count` distinct positions out of `0..n`, as a mask of length `n` (`count <= n`).
    /// Draws the smaller of the chosen set and its complement, so it stays fast at any
    /// fraction.
    pub fn choose_mask(&mut self, n: usize, count: usize) -> Vec<bool> {
        let count = count.min(n);
        let invert = count > n / 2;
        let draws = if invert { n - count } else { count };
        let mut mask = vec![false; n];
        let mut chosen = 0;
        while chosen < draws {
            let i = self.below(n as u64) as usize;
            if !mask[i] {
                mask[i] = true;
                chosen += 1;
            }
        }
        if invert {
            mask.iter_mut().for_each(|m| *m = !*m);
        }
        mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new(108).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut s1 = Rng::stream(108, &[1, 2]);
        let mut s2 = Rng::stream(108, &[1, 2]);
        let mut s3 = Rng::stream(108, &[2, 1]);
        let x1: Vec<u64> = (0..8).map(|_| s1.next_u64()).collect();
        let x2: Vec<u64> = (0..8).map(|_| s2.next_u64()).collect();
        let x3: Vec<u64> = (0..8).map(|_| s3.next_u64()).collect();
        assert_eq!(x1, x2);
        assert_ne!(x1, x3);
    }

    #[test]
    fn below_and_unit_stay_in_range() {
        let mut r = Rng::new(1);
        let mut seen = [0usize; 7];
        for _ in 0..70_000 {
            seen[r.below(7) as usize] += 1;
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
        // Each value about 10,000 times.
        assert!(
            seen.iter().all(|&c| (9_000..11_000).contains(&c)),
            "{seen:?}"
        );
    }

    #[test]
    fn masks_have_the_exact_count() {
        let mut r = Rng::new(5);
        for (n, k) in [(100, 0), (100, 5), (100, 70), (100, 100), (1, 1)] {
            let m = r.choose_mask(n, k);
            assert_eq!(m.len(), n);
            assert_eq!(m.iter().filter(|&&b| b).count(), k);
        }
    }
}
