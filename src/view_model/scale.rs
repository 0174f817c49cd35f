//! Slider scales and playback pacing.

/// Virtual ticks per wall-clock second at speed 1×.
pub const TICKS_PER_SECOND: f64 = 40.0;
/// The Speed slider runs over 0..=SPEED_STEPS; the middle is 1×.
pub const SPEED_STEPS: u32 = 30;
/// Most steps applied in one animation frame, so a frame never stalls the page.
pub const MAX_STEPS_PER_FRAME: u32 = 400;

/// Speed factor for a slider position: logarithmic from 0.1× to 100×.
pub fn speed_from_slider(pos: u32) -> f64 {
    let p = pos.min(SPEED_STEPS) as f64 / SPEED_STEPS as f64; // 0..1
    10f64.powf(p * 3.0 - 1.0)
}

/// The slider position closest to a speed factor.
pub fn slider_from_speed(speed: f64) -> u32 {
    let p = (speed.max(1e-9).log10() + 1.0) / 3.0;
    (p * SPEED_STEPS as f64)
        .round()
        .clamp(0.0, SPEED_STEPS as f64) as u32
}

/// A speed for display: "0.1", "1", "2.2", "100".
pub fn format_speed(speed: f64) -> String {
    if speed >= 10.0 {
        format!("{:.0}", speed)
    } else {
        let s = format!("{:.1}", speed);
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    }
}

/// How far virtual time advances in `wall_ms` of real time at `speed`.
pub fn ticks_for(wall_ms: f64, speed: f64) -> f64 {
    // Cap a long gap (a background tab) so playback resumes gently instead of leaping.
    wall_ms.clamp(0.0, 250.0) / 1000.0 * TICKS_PER_SECOND * speed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_slider_spans_a_tenth_to_a_hundred_with_one_in_the_middle() {
        assert!((speed_from_slider(0) - 0.1).abs() < 1e-9);
        assert!((speed_from_slider(SPEED_STEPS) - 100.0).abs() < 1e-6);
        assert!((speed_from_slider(SPEED_STEPS / 3) - 1.0).abs() < 1e-9);
        assert_eq!(slider_from_speed(1.0), SPEED_STEPS / 3);
        for pos in 0..=SPEED_STEPS {
            assert_eq!(slider_from_speed(speed_from_slider(pos)), pos);
        }
    }

    #[test]
    fn speeds_print_without_noise() {
        assert_eq!(format_speed(1.0), "1");
        assert_eq!(format_speed(0.1), "0.1");
        assert_eq!(format_speed(2.15), "2.1");
        assert_eq!(format_speed(100.0), "100");
    }

    #[test]
    fn a_long_pause_between_frames_does_not_leap_ahead() {
        assert_eq!(ticks_for(1000.0, 1.0), ticks_for(250.0, 1.0));
        assert_eq!(
            ticks_for(500.0, 2.0),
            250.0 / 1000.0 * TICKS_PER_SECOND * 2.0
        );
    }
}
