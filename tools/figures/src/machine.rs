//! The machine the figures are measured on, as the page names it.

/// The CPU's model name and how many logical CPUs the machine has, from `/proc/cpuinfo`:
/// `AMD EPYC, 2 logical CPUs`. Instruction counts can depend on it (the C library picks its
/// `memcpy` by CPU features), and wall-clock times always do.
pub fn cpu() -> String {
    match std::fs::read_to_string("/proc/cpuinfo") {
        Ok(cpuinfo) => describe_cpu(&cpuinfo),
        Err(_) => "an unknown CPU (no /proc/cpuinfo)".to_owned(),
    }
}

fn describe_cpu(cpuinfo: &str) -> String {
    let field = |line: &str, name: &str| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == name).then(|| value.trim().to_owned())
    };
    let model = cpuinfo.lines().find_map(|line| field(line, "model name")).unwrap_or_else(|| "unknown CPU".to_owned());
    let count = cpuinfo.lines().filter(|line| field(line, "processor").is_some()).count();
    format!("{model}, {count} logical CPU{}", if count == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_is_its_model_name_and_its_count() {
        let cpuinfo =
            "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t: fpu\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n";
        assert_eq!(describe_cpu(cpuinfo), "AMD EPYC, 2 logical CPUs");
        assert_eq!(describe_cpu("processor : 0\n"), "unknown CPU, 1 logical CPU");
    }
}
