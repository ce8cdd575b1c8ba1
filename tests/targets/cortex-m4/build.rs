//! Host-side build step: copies memory.x where cortex-m-rt's link.x finds it, and turns the
//! `seed-example-request` case of tests/vectors/requests.json into Rust constants, so the
//! firmware checks the very known answer the host conformance test checks (one source of
//! truth, and no JSON in flash).
use std::{env, fmt::Write as _, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let tests = root.join("../..");

    fs::copy(root.join("memory.x"), out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    // cortex-m-rt's linker script (it INCLUDEs memory.x).
    println!("cargo:rustc-link-arg-bins=-Tlink.x");

    let vectors = tests.join("vectors/requests.json");
    let key_pem = tests.join("keys/app_private_pkcs8.pem");
    println!("cargo:rerun-if-changed={}", vectors.display());
    println!("cargo:rerun-if-changed={}", key_pem.display());

    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&vectors).unwrap()).unwrap();
    let case = json["sign"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "seed-example-request")
        .expect("seed-example-request in requests.json");
    assert_eq!(case["sign_type"], "RSA2");

    // The bundled PEM must be the vector's key, or the known answer means nothing.
    let vector_key = json["keys"][case["key"].as_str().unwrap()]["private"].as_str().unwrap();
    let pem = fs::read_to_string(&key_pem).unwrap();
    let pem_body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let vector_body: String = vector_key.lines().filter(|l| !l.starts_with("-----")).collect();
    assert_eq!(pem_body, vector_body, "tests/keys/app_private_pkcs8.pem is not the vector's key");

    let mut src = String::from("/// Parameters of `seed-example-request`, in the vector's order.\n");
    src.push_str("pub const SEED_PARAMS: &[(&str, &str)] = &[\n");
    for pair in case["params"].as_array().unwrap() {
        let (k, v) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        writeln!(src, "    ({k:?}, {v:?}),").unwrap();
    }
    src.push_str("];\n");
    writeln!(src, "/// Expected sign content.\npub const SEED_CONTENT: &str = {:?};", case["content"].as_str().unwrap()).unwrap();
    writeln!(src, "/// Expected RSA2 signature (base64).\npub const SEED_SIGN: &str = {:?};", case["sign"].as_str().unwrap()).unwrap();

    // Request/response known answers shared with the wasm test (../fixtures.json).
    let fixtures = root.join("../fixtures.json");
    println!("cargo:rerun-if-changed={}", fixtures.display());
    let fx: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&fixtures).unwrap()).unwrap();
    for (section, prefix) in [("request", "REQUEST"), ("response", "RESPONSE")] {
        for (name, value) in fx[section].as_object().unwrap() {
            let value = value.as_str().unwrap();
            writeln!(src, "pub const {prefix}_{}: &str = {value:?};", name.to_uppercase()).unwrap();
        }
    }
    fs::write(out.join("vectors.rs"), src).unwrap();
}
