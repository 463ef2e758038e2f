//! The rules of ARCHITECTURE.md that a machine can check: which module may import which, file
//! sizes, the terminal left to the binary, and comments that point only inside the repository.

use std::path::{Path, PathBuf};

/// Modules of the library and the crate modules each must never import.
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "cpu",
        &[
            "model",
            "locale",
            "config",
            "fetch",
            "extract",
            "normalize",
            "store",
            "render",
            "publish",
            "pipeline",
            "serve",
            "objects",
        ],
    ),
    (
        "model",
        &[
            "locale",
            "config",
            "fetch",
            "extract",
            "normalize",
            "store",
            "render",
            "publish",
            "pipeline",
            "serve",
            "objects",
        ],
    ),
    (
        "locale",
        &[
            "model",
            "config",
            "fetch",
            "extract",
            "normalize",
            "store",
            "render",
            "publish",
            "pipeline",
            "serve",
            "objects",
        ],
    ),
    (
        "fetch",
        &[
            "extract",
            "normalize",
            "store",
            "render",
            "publish",
            "config",
            "pipeline",
            "serve",
            "objects",
        ],
    ),
    (
        "extract",
        &[
            "fetch",
            "normalize",
            "store",
            "render",
            "publish",
            "config",
            "pipeline",
            "serve",
            "objects",
        ],
    ),
    (
        "normalize",
        &[
            "fetch", "extract", "store", "render", "publish", "objects", "config", "pipeline",
            "serve",
        ],
    ),
    (
        "store",
        &[
            "fetch",
            "extract",
            "normalize",
            "render",
            "publish",
            "config",
            "pipeline",
            "serve",
        ],
    ),
    (
        "render",
        &[
            "fetch",
            "extract",
            "normalize",
            "store",
            "publish",
            "config",
            "pipeline",
            "serve",
            "objects",
        ],
    ),
    (
        "publish",
        &[
            "model",
            "locale",
            "fetch",
            "extract",
            "normalize",
            "store",
            "render",
            "config",
            "pipeline",
            "serve",
        ],
    ),
    (
        "objects",
        &[
            "model",
            "locale",
            "fetch",
            "extract",
            "normalize",
            "store",
            "render",
            "publish",
            "config",
            "pipeline",
            "serve",
        ],
    ),
    (
        "config",
        &["store", "publish", "objects", "pipeline", "serve"],
    ),
    // The pipeline never knows it is served: the server (and its app) sit above it.
    ("pipeline", &["serve"]),
    // The server reads the pipeline, the config and the stages' results; it fetches and
    // writes nothing of its own.
    ("serve", &["fetch", "normalize", "publish", "objects"]),
];

/// Longest source file, unit tests included.
const MAX_LINES: usize = 500;

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module a file belongs to (`src/store/cache.rs` → `store`).
fn module_of(file: &Path) -> String {
    let relative = file.strip_prefix(src()).unwrap();
    let first = relative.components().next().unwrap().as_os_str();
    first.to_string_lossy().trim_end_matches(".rs").to_string()
}

/// The crate modules a file names, through `use crate::x` or a `crate::x::` path.
fn crate_modules_named(text: &str) -> Vec<String> {
    let mut named = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let before = text[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `other_crate::`, not ours
        }
        let rest = &text[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        named.push(name);
    }
    named
}

#[test]
fn modules_import_only_what_is_to_their_left() {
    let mut broken = Vec::new();
    for file in rust_files(&src()) {
        let module = module_of(&file);
        let Some((_, forbidden)) = FORBIDDEN.iter().find(|(m, _)| *m == module) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for named in crate_modules_named(&text) {
            if forbidden.contains(&named.as_str()) {
                broken.push(format!("{} imports crate::{named}", file.display()));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_binary_uses_only_the_public_api_and_the_library_never_prints() {
    for file in rust_files(&src()) {
        let text = std::fs::read_to_string(&file).unwrap();
        let binary = matches!(module_of(&file).as_str(), "main" | "cli");
        if binary {
            assert!(
                crate_modules_named(&text).iter().all(|m| m == "cli"),
                "{}: the binary goes through `feedwright::`",
                file.display()
            );
        } else {
            for call in [
                "println!",
                "eprintln!",
                "print!(",
                "eprint!(",
                "process::exit",
            ] {
                assert!(
                    !text.contains(call),
                    "{}: {call} belongs to the binary",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn files_stay_small_and_speak_only_of_the_repository() {
    for file in rust_files(&src()) {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines = text.lines().count();
        assert!(
            lines <= MAX_LINES,
            "{}: {lines} lines; split it by job",
            file.display()
        );
        for outside in ["DESIGN §", "../shared"] {
            assert!(
                !text.contains(outside),
                "{}: points at {outside}, outside the repository",
                file.display()
            );
        }
    }
}

#[test]
fn the_import_check_sees_imports() {
    let text =
        "use crate::store::Store;\nlet x = crate::fetch::Tally::default();\nuse other_crate::x;";
    assert_eq!(crate_modules_named(text), ["store", "fetch"]);
}

/// The modules of `siblings` that `code` names: `super::name`, a name in a `super::{…}`
/// group, or `crate::<parent>::name` where `parent` is the folder's module path.
fn siblings_named<'a>(code: &str, parent: &str, siblings: &'a [String]) -> Vec<&'a String> {
    let word_at = |text: &str| -> String {
        text.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut named: Vec<String> = Vec::new();
    for (at, _) in code.match_indices("super::") {
        let rest = &code[at + "super::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            named.extend(group.split(',').map(word_at));
        } else {
            named.push(word_at(rest));
        }
    }
    if !parent.is_empty() {
        let prefix = format!("crate::{parent}::");
        for (at, _) in code.match_indices(&prefix) {
            named.push(word_at(&code[at + prefix.len()..]));
        }
    }
    siblings.iter().filter(|s| named.contains(s)).collect()
}

/// A module's code without its unit tests.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.split("#[cfg(test)]")
        .next()
        .unwrap_or(&text)
        .to_string()
}

#[test]
fn modules_of_one_folder_never_import_each_other_in_a_circle() {
    let mut folders: Vec<PathBuf> = rust_files(&src())
        .iter()
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .collect();
    folders.dedup();
    let mut circles = Vec::new();
    for folder in folders {
        let parent = folder
            .strip_prefix(src())
            .unwrap()
            .to_string_lossy()
            .replace('/', "::");
        // Each file is a module; so is each sub-folder (its mod.rs for `super::`, all its files
        // for `crate::` paths).
        let mut modules: Vec<(String, String)> = Vec::new();
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.is_dir() && !path.join("mod.rs").exists() {
                continue; // not a module: assets the code embeds
            }
            if path.is_dir() {
                let own = code_of(&path.join("mod.rs"));
                let inner: String = rust_files(&path)
                    .iter()
                    .map(|f| code_of(f).replace("super::", "self::"))
                    .collect();
                modules.push((stem, own + &inner));
            } else if path.extension().is_some_and(|e| e == "rs")
                && !["mod", "lib", "main"].contains(&stem.as_str())
            {
                modules.push((stem, code_of(&path)));
            }
        }
        let names: Vec<String> = modules.iter().map(|(n, _)| n.clone()).collect();
        let imports = |n: &str| -> Vec<&String> {
            modules
                .iter()
                .find(|(m, _)| m == n)
                .map(|(m, code)| {
                    siblings_named(code, &parent, &names)
                        .into_iter()
                        .filter(|s| *s != m)
                        .collect()
                })
                .unwrap_or_default()
        };
        // A circle: a module reaches itself by following imports.
        for start in &names {
            let mut seen: Vec<&String> = Vec::new();
            let mut stack = imports(start);
            while let Some(next) = stack.pop() {
                if next == start {
                    circles.push(format!("{}: {start}", folder.display()));
                    break;
                }
                if !seen.contains(&next) {
                    seen.push(next);
                    stack.extend(imports(next));
                }
            }
        }
    }
    assert!(circles.is_empty(), "imports in a circle: {circles:#?}");
}
