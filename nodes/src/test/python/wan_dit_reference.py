#!/usr/bin/env python3
"""Float64 NumPy reference of the Wan2.1 DiT forward (spec/WAN-MODEL.md section 1), used to make
the i2v / flf2v goldens that the official torch goldens do not cover.

Written from the spec and from reading the official wan/modules/model.py; it is checked first
against the official t2v golden (testdata/golden/wan-tiny), which exercises everything except
the image path (img_emb MLP and the second cross-attention over image rows).

    python3 nodes/src/test/python/wan_dit_reference.py            # check + write the goldens

Needs only numpy. Writes nodes/src/test/resources/golden/wan-{i2v,flf2v}-tiny/.
"""
import json
import math
import os
import struct
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
CLIP_TOKENS = 257

# ---- safetensors ----------------------------------------------------------------------

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, t = e["data_offsets"]
        out[name] = np.frombuffer(data[b:t], dtype=DTYPES[e["dtype"]]).reshape(e["shape"]).copy()
    return out, header.get("__metadata__", {})


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = np.ascontiguousarray(t)
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.int64): "I64"}[t.dtype]
        blob = t.tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for blob in blobs:
            f.write(blob)


# ---- model ----------------------------------------------------------------------------

def linear(x, w, p):
    return x @ w[p + ".weight"].astype(np.float64).T + w[p + ".bias"]


def layer_norm(x, eps, weight=None, bias=None):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    y = (x - mu) / np.sqrt(var + eps)
    if weight is not None:
        y = y * weight + bias
    return y


def rms_norm(x, weight, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * weight


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


ERF = np.vectorize(math.erf)


def gelu_erf(x):
    return 0.5 * x * (1 + ERF(x / math.sqrt(2)))


def silu(x):
    return x / (1 + np.exp(-x))


def attention(q, k, v):
    """q [S, n, d], k/v [Sk, n, d] -> [S, n*d]; softmax(q k^T / sqrt(d)) v, no mask."""
    d = q.shape[-1]
    s = np.einsum("qnd,knd->nqk", q, k) / math.sqrt(d)
    s = np.exp(s - s.max(-1, keepdims=True))
    s /= s.sum(-1, keepdims=True)
    return np.einsum("nqk,knd->qnd", s, v).reshape(q.shape[0], -1)


def rope(x, f, h, w):
    """x [S, n, d]: adjacent pairs are complex numbers; frame/height/width split of the pairs."""
    s, n, d = x.shape
    c = d // 2
    nh = c // 3
    nf = c - 2 * nh

    def freqs(pairs):
        return 1.0 / np.power(10000.0, np.arange(0, 2 * pairs, 2, dtype=np.float64) / (2 * pairs))

    ff, fh = freqs(nf), freqs(nh)
    grid = np.stack(np.meshgrid(np.arange(f), np.arange(h), np.arange(w), indexing="ij"), -1).reshape(-1, 3)
    angles = np.concatenate([np.outer(grid[:, 0], ff), np.outer(grid[:, 1], fh), np.outer(grid[:, 2], fh)], 1)
    z = (x[..., 0::2] + 1j * x[..., 1::2]) * np.exp(1j * angles)[:, None, :]
    out = np.empty_like(x)
    out[..., 0::2] = z.real
    out[..., 1::2] = z.imag
    return out


def forward(w, cfg, x, t, context, clip=None, acts=None):
    """One sample: x [C, F, H, W], t scalar, context [Lc, T], clip [257|514, V] -> [O, F, H, W]."""
    acts = {} if acts is None else acts
    D, n = cfg["dim"], cfg["num_heads"]
    hd, eps = D // n, cfg["eps"]
    C, F, H, W = x.shape
    f, h, wd = F, H // 2, W // 2
    # patch embedding, flatten (c, kt, kh, kw)
    patches = x.reshape(C, f, 1, h, 2, wd, 2).transpose(1, 3, 5, 0, 2, 4, 6).reshape(f * h * wd, C * 4)
    tok = patches @ w["patch_embedding.weight"].astype(np.float64).reshape(D, -1).T + w["patch_embedding.bias"]
    # time
    half = cfg["freq_dim"] // 2
    ang = float(t) * np.power(10000.0, -np.arange(half, dtype=np.float64) / half)
    sin = np.concatenate([np.cos(ang), np.sin(ang)]).astype(np.float32).astype(np.float64)
    e = linear(silu(linear(sin, w, "time_embedding.0")), w, "time_embedding.2")
    e0 = linear(silu(e), w, "time_projection.1").reshape(6, D)
    # text
    ctx = np.zeros((max(cfg["text_len"], context.shape[0]), context.shape[1]))
    ctx[: context.shape[0]] = context
    ctx = linear(gelu_tanh(linear(ctx, w, "text_embedding.0")), w, "text_embedding.2")
    acts["context_embedded"] = ctx
    # image
    ctx_img = None
    if clip is not None:
        c = clip + (w["img_emb.emb_pos"][0] if "img_emb.emb_pos" in w else 0)
        c = layer_norm(c, 1e-5, w["img_emb.proj.0.weight"], w["img_emb.proj.0.bias"])
        c = linear(gelu_erf(linear(c, w, "img_emb.proj.1")), w, "img_emb.proj.3")
        ctx_img = layer_norm(c, 1e-5, w["img_emb.proj.4.weight"], w["img_emb.proj.4.bias"])
        acts["context_image"] = ctx_img
    xs = tok
    for i in range(cfg["num_layers"]):
        b = "blocks.%d." % i
        E = w[b + "modulation"][0] + e0
        y = layer_norm(xs, eps) * (1 + E[1]) + E[0]
        q = rope(rms_norm(linear(y, w, b + "self_attn.q"), w[b + "self_attn.norm_q.weight"], eps).reshape(-1, n, hd), f, h, wd)
        k = rope(rms_norm(linear(y, w, b + "self_attn.k"), w[b + "self_attn.norm_k.weight"], eps).reshape(-1, n, hd), f, h, wd)
        v = linear(y, w, b + "self_attn.v").reshape(-1, n, hd)
        xs = xs + linear(attention(q, k, v), w, b + "self_attn.o") * E[2]
        y = layer_norm(xs, eps, w[b + "norm3.weight"], w[b + "norm3.bias"])
        q = rms_norm(linear(y, w, b + "cross_attn.q"), w[b + "cross_attn.norm_q.weight"], eps).reshape(-1, n, hd)
        k = rms_norm(linear(ctx, w, b + "cross_attn.k"), w[b + "cross_attn.norm_k.weight"], eps).reshape(-1, n, hd)
        v = linear(ctx, w, b + "cross_attn.v").reshape(-1, n, hd)
        a = attention(q, k, v)
        if ctx_img is not None:
            ki = rms_norm(linear(ctx_img, w, b + "cross_attn.k_img"), w[b + "cross_attn.norm_k_img.weight"], eps)
            vi = linear(ctx_img, w, b + "cross_attn.v_img")
            a = a + attention(q, ki.reshape(-1, n, hd), vi.reshape(-1, n, hd))
        xs = xs + linear(a, w, b + "cross_attn.o")
        y = layer_norm(xs, eps) * (1 + E[4]) + E[3]
        xs = xs + linear(gelu_tanh(linear(y, w, b + "ffn.0")), w, b + "ffn.2") * E[5]
        acts["block%d_out" % i] = xs
    E2 = w["head.modulation"][0] + e
    out = linear(layer_norm(xs, eps) * (1 + E2[1]) + E2[0], w, "head.head")
    O = cfg["out_dim"]
    return out.reshape(f, h, wd, 1, 2, 2, O).transpose(6, 0, 3, 1, 4, 2, 5).reshape(O, F, H, W)


# ---- goldens --------------------------------------------------------------------------

def check_against_official_t2v():
    g = os.path.join(ROOT, "testdata", "golden", "wan-tiny")
    w, meta = read_safetensors(os.path.join(g, "weights.safetensors"))
    inp, _ = read_safetensors(os.path.join(g, "inputs.safetensors"))
    act, _ = read_safetensors(os.path.join(g, "activations.safetensors"))
    cfg = json.loads(meta["config"])
    out = forward(w, cfg, inp["x"].astype(np.float64), inp["t"][0], inp["context"].astype(np.float64))
    err = np.linalg.norm(out - act["output"]) / np.linalg.norm(act["output"])
    print("wan-tiny (official t2v) relative L2 of this reference: %.2e" % err)
    assert err < 2e-6, err


def make(kind, seed):
    cfg = {"model_type": kind, "patch_size": [1, 2, 2], "text_len": 8, "in_dim": 36, "dim": 64, "ffn_dim": 96,
           "freq_dim": 32, "text_dim": 24, "out_dim": 16, "num_heads": 2, "num_layers": 2, "window_size": [-1, -1],
           "qk_norm": True, "cross_attn_norm": True, "eps": 1e-06}
    V, D, T, Fd, Q, C = 40, cfg["dim"], cfg["text_dim"], cfg["ffn_dim"], cfg["freq_dim"], cfg["in_dim"]
    rng = np.random.default_rng(seed)
    w = {}

    def lin(p, out, inp):
        w[p + ".weight"] = rng.uniform(-1, 1, (out, inp)) / math.sqrt(inp)
        w[p + ".bias"] = rng.uniform(-0.2, 0.2, out)

    def vec(p, size, centre=0.0):
        w[p] = centre + rng.uniform(-0.3, 0.3, size)

    w["patch_embedding.weight"] = rng.uniform(-1, 1, (D, C, 1, 2, 2)) / math.sqrt(C * 4)
    w["patch_embedding.bias"] = rng.uniform(-0.2, 0.2, D)
    lin("text_embedding.0", D, T)
    lin("text_embedding.2", D, D)
    lin("time_embedding.0", D, Q)
    lin("time_embedding.2", D, D)
    lin("time_projection.1", 6 * D, D)
    for i in range(cfg["num_layers"]):
        b = "blocks.%d." % i
        w[b + "modulation"] = rng.normal(0, 1, (1, 6, D)) / math.sqrt(D)
        for a in ("self_attn", "cross_attn"):
            for p in "qkvo":
                lin(b + a + "." + p, D, D)
            vec(b + a + ".norm_q.weight", D, 1.0)
            vec(b + a + ".norm_k.weight", D, 1.0)
        lin(b + "cross_attn.k_img", D, D)
        lin(b + "cross_attn.v_img", D, D)
        vec(b + "cross_attn.norm_k_img.weight", D, 1.0)
        vec(b + "norm3.weight", D, 1.0)
        vec(b + "norm3.bias", D)
        lin(b + "ffn.0", Fd, D)
        lin(b + "ffn.2", D, Fd)
    w["head.modulation"] = rng.normal(0, 1, (1, 2, D)) / math.sqrt(D)
    lin("head.head", cfg["out_dim"] * 4, D)
    vec("img_emb.proj.0.weight", V, 1.0)
    vec("img_emb.proj.0.bias", V)
    lin("img_emb.proj.1", V, V)
    lin("img_emb.proj.3", D, V)
    vec("img_emb.proj.4.weight", D, 1.0)
    vec("img_emb.proj.4.bias", D)
    rows = CLIP_TOKENS
    if kind == "flf2v":
        w["img_emb.emb_pos"] = rng.normal(0, 0.5, (1, 2 * CLIP_TOKENS, V))
        rows = 2 * CLIP_TOKENS
    w = {k: v.astype(np.float32) for k, v in sorted(w.items())}

    x = rng.normal(0, 1, (C, 2, 4, 6)).astype(np.float32)
    context = rng.normal(0, 1, (5, T)).astype(np.float32)
    clip = rng.normal(0, 1, (rows, V)).astype(np.float32)
    t = np.array([937], dtype=np.int64)
    wd = {k: v.astype(np.float64) for k, v in w.items()}
    acts = {}
    out = forward(wd, cfg, x.astype(np.float64), t[0], context.astype(np.float64), clip.astype(np.float64), acts)

    d = os.path.join(ROOT, "nodes", "src", "test", "resources", "golden", "wan-%s-tiny" % kind)
    meta = {"config": json.dumps(cfg), "generator": "nodes/src/test/python/wan_dit_reference.py (float64 NumPy)"}
    write_safetensors(os.path.join(d, "weights.safetensors"), w, meta)
    write_safetensors(os.path.join(d, "inputs.safetensors"), {"x": x, "t": t, "context": context, "clip": clip})
    write_safetensors(os.path.join(d, "outputs.safetensors"), {
        "context_image": acts["context_image"][None].astype(np.float32),
        "block0_out": acts["block0_out"][None].astype(np.float32),
        "output": out.astype(np.float32)})
    print("wrote %s (output std %.3f)" % (d, out.std()))


if __name__ == "__main__":
    check_against_official_t2v()
    make("i2v", 1)
    make("flf2v", 2)
    sys.exit(0)
