#!/usr/bin/python3
"""Trains jcomfy's demo models: a tiny Wan2.1 VAE and DiT on a synthetic world of moving shapes.

Developer tool (Debian python3-torch), never used by the product or its tests:
  /usr/bin/python3 tools/train_demo.py --check              # PyTorch models vs ../shared/golden
  /usr/bin/python3 tools/train_demo.py --out DIR [--minutes-vae M --minutes-decoder M --minutes-dit M]
  /usr/bin/python3 tools/train_demo.py --out DIR --steps-vae N --steps-decoder N --steps-dit N   # exact, reproducible
  /usr/bin/python3 tools/train_demo.py --out DIR --dit-only      # a fresh DiT on the VAE in DIR

Speed: Debian's torch takes whatever BLAS the alternatives system gives it; with only the
reference BLAS (libblas3) it runs about 20x slower. `apt-get install libopenblas0-pthread`
fixes that; the tool measures a matmul at start and warns when it is slow.

World: 64x64, 9 frames; a red/green/blue circle/square/triangle moving left/right/up/down
on a black background; caption "a red circle moving right on a black background".
The text encoder is the demo UMT5 (random, frozen): captions are encoded by jcomfy itself
(tools/DemoCaptionEmbeddings.java, needs `./jcomfy build`), so the DiT learns the exact
conditioning CLIPTextEncode gives it. Caption dropout uses the empty prompt's embedding.

Latent statistics: jcomfy, like ComfyUI, normalises latents with Wan2.1's fixed 16 means/stds
(latent_formats.Wan21); a VAE file carries none. After training, the VAE's 1x1 convs conv1 (mu
rows) and conv2 are rescaled exactly so that raw latents have those means/stds on the data.
"""
import argparse
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_demo_models import WanDiT, WanVAE  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "testdata", "golden")
WAN21_MEAN = [-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508,
              0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921]
WAN21_STD = [2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743,
             3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160]

COLOURS = {"red": (0.9, 0.1, 0.1), "green": (0.1, 0.8, 0.2), "blue": (0.15, 0.3, 0.95)}
SHAPES = ["circle", "square", "triangle"]
MOTIONS = {"right": (1, 0), "left": (-1, 0), "down": (0, 1), "up": (0, -1)}
BACKGROUNDS = {"black": (0.05, 0.05, 0.05)}
SIZE, FRAMES, SPEED, RADIUS = 64, 9, 3.0, 9.0
# heads = dim / 128, as ComfyUI derives it from the file
DIT = dict(dim=256, ffn_dim=512, layers=2, heads=2, freq_dim=256, text_dim=64)
VAE_DIM = 4
TEXT_LEN = 512
SHIFT = 3.0

# ----------------------------------------------------------------------------- safetensors


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    types = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "F16": np.float16}
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[a:b], dtype=types[v["dtype"]]).reshape(v["shape"]).copy())
    return out


def write_safetensors(path, tensors, metadata):
    names = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16"}
    header, blobs, off = {"__metadata__": metadata}, [], 0
    for k, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy())
        header[k] = {"dtype": names[a.dtype], "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        blobs.append(a.tobytes())
        off += a.nbytes
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        for b in blobs:
            f.write(b)
    os.replace(path + ".tmp", path)


# ----------------------------------------------------------------------------- golden check


def rel(a, b):
    return (torch.linalg.norm((a.double() - b.double()).flatten()) / torch.linalg.norm(b.double().flatten())).item()


def check():
    torch.set_num_threads(2)
    ok = True
    g = os.path.join(GOLDEN, "wan-tiny")
    cfg = json.load(open(os.path.join(g, "config.json")))
    w, inp, act = (read_safetensors(os.path.join(g, n + ".safetensors")) for n in ("weights", "inputs", "activations"))
    dit = WanDiT(cfg["dim"], cfg["ffn_dim"], cfg["num_layers"], cfg["num_heads"], cfg["freq_dim"], cfg["text_dim"])
    dit.load_state_dict(w)
    dit.eval()

    def ctx(c):
        return F.pad(c, (0, 0, 0, cfg["text_len"] - c.shape[0]))[None]

    def compact(c):
        # the training form: real rows + one row standing for all padding rows
        n = cfg["text_len"] - c.shape[0]
        return F.pad(c, (0, 0, 0, 1))[None], torch.tensor([[0.0] * c.shape[0] + [math.log(n)]])

    with torch.no_grad():
        for name, t, c in (("output", inp["t"], inp["context"]), ("output_t37", inp["t_small"], inp["context"]),
                           ("output_uncond", inp["t"], inp["context_null"])):
            e = rel(dit(inp["x"][None], t.double(), ctx(c))[0], act[name])
            cc, bias = compact(c)
            e2 = rel(dit(inp["x"][None], t.double(), cc, bias)[0], act[name])
            print(f"wan-tiny {name}: rel L2 {e:.2e} (compact context {e2:.2e})")
            ok &= e <= 1e-5 and e2 <= 1e-5
    g = os.path.join(GOLDEN, "wanvae-tiny")
    w, inp, act = (read_safetensors(os.path.join(g, n + ".safetensors")) for n in ("weights", "inputs", "activations"))
    vae = WanVAE(json.load(open(os.path.join(g, "config.json")))["dim"])
    vae.load_state_dict(w)
    mean, std = inp["latents_mean"].view(1, 16, 1, 1, 1), inp["latents_std"].view(1, 16, 1, 1, 1)
    with torch.no_grad():
        d = vae.decode_raw(inp["z"][None] / (1 / std) + mean)[0]
        e = rel(d, act["decoded_raw"])
        print(f"wanvae-tiny decoded_raw: rel L2 {e:.2e}")
        ok &= e <= 1e-5
        mu = (vae.encode_raw(inp["video"][None]) - mean) * (1 / std)
        e = rel(mu[0], act["encoded_mu"])
        print(f"wanvae-tiny encoded_mu: rel L2 {e:.2e}")
        ok &= e <= 1e-5
    print("golden check", "PASSED" if ok else "FAILED")
    return ok


# ----------------------------------------------------------------------------- the synthetic world


def captions():
    return [f"a {c} {s} moving {m} on a {b} background" for b in BACKGROUNDS for c in COLOURS for s in SHAPES for m in MOTIONS]


def render(caption, rng):
    """[3, FRAMES, SIZE, SIZE] in [-1, 1]; 2x supersampled edges."""
    words = caption.split()
    colour, shape, motion, bg = words[1], words[2], words[4], words[7]
    dx, dy = MOTIONS[motion]
    travel = SPEED * (FRAMES - 1)
    along = rng.uniform(RADIUS + 2, SIZE - RADIUS - 2 - travel)
    across = rng.uniform(RADIUS + 4, SIZE - RADIUS - 4)
    s = 2 * SIZE
    yy, xx = np.mgrid[0:s, 0:s] / 2.0 + 0.25
    video = np.empty((3, FRAMES, SIZE, SIZE), np.float32)
    for f in range(FRAMES):
        p = along + SPEED * f
        cx = (p if dx > 0 else SIZE - p) if dx else across
        cy = (p if dy > 0 else SIZE - p) if dy else across
        u, v = xx - cx, yy - cy
        if shape == "circle":
            m = u * u + v * v <= RADIUS ** 2
        elif shape == "square":
            m = (np.abs(u) <= 0.85 * RADIUS) & (np.abs(v) <= 0.85 * RADIUS)
        else:
            m = (v <= 0.8 * RADIUS) & (v >= -RADIUS + 2 * np.abs(u) * 1.0)
        cov = m.reshape(SIZE, 2, SIZE, 2).mean(axis=(1, 3))
        for ch in range(3):
            video[ch, f] = BACKGROUNDS[bg][ch] * (1 - cov) + COLOURS[colour][ch] * cov
    return video * 2 - 1


def clip_batch(caps, rng, n):
    idx = rng.integers(0, len(caps), n)
    return torch.from_numpy(np.stack([render(caps[i], rng) for i in idx])), idx


# ----------------------------------------------------------------------------- training


def bar(i, n, t0, text, unit=""):
    done = int(30 * min(i, n) / n)
    el = time.time() - t0
    if unit == "min":
        where = f"{i / 60:5.1f}/{n / 60:.0f} min"
    else:
        where = f"{i}/{n} {el:6.0f}s"
    sys.stdout.write(f"\r[{'#' * done}{'.' * (30 - done)}] {where} {text}   ")
    sys.stdout.flush()


def check_blas_speed():
    """Warns when torch's matmul runs at reference-BLAS speed (about 20x slower than OpenBLAS)."""
    a, b = torch.randn(768, 128), torch.randn(128, 128)
    a @ b
    t = time.time()
    for _ in range(20):
        a @ b
    ms = (time.time() - t) / 20 * 1000
    if ms > 3:
        print(f"warning: a 768x128x128 matmul takes {ms:.1f} ms (OpenBLAS: about 0.4 ms); torch is on a slow BLAS,"
              " training will take ~20x longer: apt-get install libopenblas0-pthread", file=sys.stderr)


def lr_at(step, fraction, peak, floor, warmup=200):
    """Linear warm-up over the first steps, then cosine from peak to floor over the time budget."""
    if step < warmup:
        return peak * (step + 1) / warmup
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * min(fraction, 1.0)))


class Budget:
    """How long a training phase runs: a wall-clock budget (the default: one hour on 2 cores on any
    machine), or an exact step count (--steps-*: the same steps give the same weights, bit for bit,
    on the same torch, BLAS and thread count). The LR schedule follows the budget's fraction used."""

    def __init__(self, minutes, steps, name):
        self.minutes, self.steps, self.name, self.t0 = minutes, steps, name, time.time()

    def running(self, i):
        return i < self.steps if self.steps else time.time() - self.t0 < self.minutes * 60

    def fraction(self, i):
        return i / self.steps if self.steps else (time.time() - self.t0) / (self.minutes * 60)

    def show(self, i, loss):
        if self.steps:
            bar(i, self.steps, self.t0, f"{self.name} loss {loss:.4f}")
        else:
            bar(time.time() - self.t0, self.minutes * 60, self.t0, f"{self.name} step {i} loss {loss:.4f}", "min")


def weighted_reconstruction(y, x):
    """MSE + 0.5 L1 with the shape's pixels weighted 10x: the shape covers ~6 % of the frame, and
    unweighted the VAE settles on a grey blob of the right outline and place (its colour error is
    too small a share of the loss to climb out of; seen on the first full run)."""
    w = 1 + 9 * (((x + 1) / 2).amax(dim=1, keepdim=True) >= 0.3).float()
    d = y - x
    return (w * d * d).mean() + 0.5 * (w * d.abs()).mean()


def shape_colour_error(vae, rng, clips=12):
    """Mean absolute error (pixels in [-1, 1]) of the reconstructed shape's pixels: its colour."""
    caps = captions()
    errs = []
    with torch.no_grad():
        for k in range(clips):
            x = torch.from_numpy(render(caps[(k * 7) % len(caps)], rng))[None]
            y = vae.decode_raw(vae.encode_raw(x)).clamp(-1, 1)
            fg = ((x[0] + 1) / 2).amax(dim=0) >= 0.3
            errs.append(float((y[0] - x[0]).abs().mean(dim=0)[fg].mean()))
    return round(float(np.mean(errs)), 4)


def train_vae(budget, rng, log, vae=None, lr=2e-3):
    torch.manual_seed(1)
    vae = vae or WanVAE(VAE_DIM)
    opt = torch.optim.AdamW(vae.parameters(), lr=lr, weight_decay=0.0)
    caps = captions()
    i, ema = 0, None
    while budget.running(i):
        # whole clips: a 9-frame clip is encoded as 1 + 4 + 4 frames, and the second chunk reads
        # the first one's causal cache; crops of 5 frames never train that path
        x, _ = clip_batch(caps, rng, 2)
        for grp in opt.param_groups:
            grp["lr"] = lr_at(i, budget.fraction(i), lr, lr / 10)
        mu = vae.encode_raw(x)
        z = mu + 0.05 * mu.detach().std() * torch.randn_like(mu)
        y = vae.decode_raw(z)
        loss = weighted_reconstruction(y, x) + 1e-4 * mu.pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        i += 1
        ema = loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()
        budget.show(i, ema)
    print()
    log["vae_steps"], log["vae_loss"] = i, ema
    return vae


def fold_latent_stats(vae, rng):
    """Rescales conv1's mu rows and conv2 so raw latents have Wan2.1's per-channel mean/std."""
    caps = captions()
    with torch.no_grad():
        mus = torch.cat([vae.encode_raw(clip_batch(caps, rng, 8)[0]) for _ in range(8)])
        m = mus.mean(dim=(0, 2, 3, 4))
        s = mus.std(dim=(0, 2, 3, 4)).clamp_min(1e-3)
        tm, ts = torch.tensor(WAN21_MEAN), torch.tensor(WAN21_STD)
        a = ts / s  # mu' = a * (mu - m) + tm
        w, b = vae.conv1.weight, vae.conv1.bias
        w[:16] *= a.view(16, 1, 1, 1, 1)
        b[:16] = a * (b[:16] - m) + tm
        # conv2 sees mu' ; feed it (mu' - tm)/a + m
        w2, b2 = vae.conv2.weight, vae.conv2.bias
        b2 += (w2[:, :, 0, 0, 0] @ (m - tm / a))
        w2 /= a.view(1, 16, 1, 1, 1)


def encode_captions(caps):
    jar = os.path.join(ROOT, "server", "target", "server-0.1.0-SNAPSHOT.jar")
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "caps.txt"), "w") as f:
            f.write("\n".join(caps) + "\n")
        subprocess.run([java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                        "-cp", jar + ":" + os.path.join(ROOT, "server", "target", "lib", "*"),
                        os.path.join(ROOT, "tools", "DemoCaptionEmbeddings.java"),
                        os.path.join(d, "caps.txt"), os.path.join(d, "emb.safetensors")],
                       check=True, stderr=subprocess.DEVNULL)
        t = read_safetensors(os.path.join(d, "emb.safetensors"))
    return [t[f"emb.{i}"][0, :int(t[f"tokens.{i}"][0])] for i in range(len(caps))]


def compact_context(embs, idx):
    """Real rows of each caption + one row for its TEXT_LEN - n padding rows (exact, see WanDiT.forward)."""
    n = max(embs[i].shape[0] for i in idx) + 1
    ctx = torch.zeros(len(idx), n, embs[0].shape[1])
    bias = torch.full((len(idx), n), float("-inf"))
    for j, i in enumerate(idx):
        k = embs[i].shape[0]
        ctx[j, :k] = embs[i]
        bias[j, :k] = 0
        bias[j, k] = math.log(TEXT_LEN - k)
    return ctx, bias


def train_decoder(vae, budget, rng, log):
    """Fine-tunes conv2 and the decoder on the frozen, fp16-rounded encoder's latents.

    The encoder is what the DiT's training latents come from, so it stays fixed; the decoder
    learns to undo the fp16 rounding of the saved file and the latent-statistics fold."""
    for prm in list(vae.encoder.parameters()) + list(vae.conv1.parameters()):
        prm.requires_grad_(False)
    params = list(vae.conv2.parameters()) + list(vae.decoder.parameters())
    opt = torch.optim.AdamW(params, lr=5e-4, weight_decay=0.0)
    caps = captions()
    i, ema = 0, None
    while budget.running(i):
        x, _ = clip_batch(caps, rng, 2)
        for grp in opt.param_groups:
            grp["lr"] = lr_at(i, budget.fraction(i), 5e-4, 5e-5, warmup=20)
        with torch.no_grad():
            z = vae.encode_raw(x)
        y = vae.decode_raw(z)
        loss = weighted_reconstruction(y, x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        i += 1
        ema = loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()
        budget.show(i, ema)
    print()
    log["decoder_steps"], log["decoder_loss"] = i, ema
    for prm in vae.parameters():
        prm.requires_grad_(True)


def per_frame_mse(vae, rng, clips=8):
    """Reconstruction MSE per frame (pixels in [-1, 1]) over fresh clips."""
    caps = captions()
    with torch.no_grad():
        x, _ = clip_batch(caps, rng, clips)
        y = vae.decode_raw(vae.encode_raw(x)).clamp(-1, 1)
        return [round(v, 5) for v in ((y - x) ** 2).mean(dim=(0, 1, 3, 4)).tolist()]


def fp16_round(module):
    """The weights as the saved fp16 file holds them, so what is trained next sees the same model."""
    sd = {k: v.half() for k, v in module.state_dict().items()}
    module.load_state_dict({k: v.float() for k, v in sd.items()})
    return sd


def train_dit(latents, lat_caps, embs, empty, budget, batch, log):
    torch.manual_seed(2)
    dit = WanDiT(**DIT)
    dit.rope_dtype = torch.float32
    opt = torch.optim.AdamW(dit.parameters(), lr=3e-4, weight_decay=0.0)
    g = torch.Generator().manual_seed(3)
    all_embs = embs + [empty]
    i, ema = 0, None
    while budget.running(i):
        for grp in opt.param_groups:
            grp["lr"] = lr_at(i, budget.fraction(i), 3e-4, 3e-5)
        pick = torch.randint(0, latents.shape[0], (batch,), generator=g)
        x0 = latents[pick]
        # caption dropout (10 %) to the empty prompt's embedding, so CFG has an uncond to push from
        idx = [len(embs) if torch.rand(1, generator=g).item() < 0.1 else int(lat_caps[p]) for p in pick]
        ctx, bias = compact_context(all_embs, idx)
        u = torch.rand(batch, generator=g)
        sigma = SHIFT * u / (1 + (SHIFT - 1) * u)
        noise = torch.randn(x0.shape, generator=g)
        s = sigma.view(-1, 1, 1, 1, 1)
        v = dit((1 - s) * x0 + s * noise, sigma * 1000, ctx, bias)
        loss = F.mse_loss(v, noise - x0)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(dit.parameters(), 1.0)
        opt.step()
        i += 1
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        budget.show(i, ema)
    print()
    log["dit_steps"], log["dit_loss"], log["dit_batch"] = i, ema, batch
    return dit


VAE_FILE = "jcomfy_demo_wan2.1_vae.safetensors"
DIT_FILE = "jcomfy_demo_wan2.1_t2v.safetensors"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="only compare the PyTorch models with the goldens")
    ap.add_argument("--out", default="build/demo-models")
    ap.add_argument("--dit-only", action="store_true", help="train only the DiT, on the VAE already in --out")
    ap.add_argument("--minutes-vae", type=float, default=15)
    ap.add_argument("--minutes-decoder", type=float, default=5)
    ap.add_argument("--minutes-dit", type=float, default=40)
    ap.add_argument("--vae-lr", type=float, default=2e-3, help="the VAE's peak learning rate")
    ap.add_argument("--init-vae", help="a VAE file to go on training from instead of fresh weights")
    ap.add_argument("--steps-vae", type=int, help="exact steps instead of --minutes-vae (reproducible)")
    ap.add_argument("--steps-decoder", type=int, help="exact steps instead of --minutes-decoder")
    ap.add_argument("--steps-dit", type=int, help="exact steps instead of --minutes-dit")
    ap.add_argument("--batch", type=int, default=32, help="DiT batch size")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--clips-per-caption", type=int, default=12)
    args = ap.parse_args()
    if not check():
        sys.exit(1)
    if args.check:
        return
    torch.set_num_threads(args.threads)
    check_blas_speed()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(20261207)
    log_path = os.path.join(args.out, "train_log.json")
    log = json.load(open(log_path)) if args.dit_only and os.path.exists(log_path) else {}
    t_start = time.time()
    caps = captions()
    embs = encode_captions(caps + [""])
    empty = embs.pop()
    vae_path = os.path.join(args.out, VAE_FILE)
    if args.dit_only:
        vae = WanVAE(VAE_DIM)
        vae.load_state_dict({k: v.float() for k, v in read_safetensors(vae_path).items()})
        rng = np.random.default_rng(20261208)  # fresh clips for the DiT, not the VAE's
    else:
        start = None
        if args.init_vae:
            start = WanVAE(VAE_DIM)
            start.load_state_dict({k: v.float() for k, v in read_safetensors(args.init_vae).items()})
            log["vae_init"] = os.path.basename(args.init_vae)
        vae = train_vae(Budget(args.minutes_vae, args.steps_vae, "VAE"), rng, log, start, args.vae_lr)
        fold_latent_stats(vae, rng)
        fp16_round(vae)
        log["vae_per_frame_mse_before_decoder"] = per_frame_mse(vae, rng)
        log["vae_shape_colour_error_before_decoder"] = shape_colour_error(vae, rng)
        print("shape colour error (abs, [-1, 1]):", log["vae_shape_colour_error_before_decoder"])
        train_decoder(vae, Budget(args.minutes_decoder, args.steps_decoder, "decoder"), rng, log)
        vae_sd = fp16_round(vae)
        write_safetensors(vae_path, vae_sd, {"jcomfy_demo": f"Wan2.1 VAE dim={VAE_DIM}, trained by tools/train_demo.py"})
        log["vae_per_frame_mse"] = per_frame_mse(vae, rng)
        log["vae_shape_colour_error"] = shape_colour_error(vae, rng)
        print("after the decoder fine-tune:", log["vae_shape_colour_error"])
    tm, ts = torch.tensor(WAN21_MEAN).view(1, 16, 1, 1, 1), torch.tensor(WAN21_STD).view(1, 16, 1, 1, 1)
    lats, lcaps = [], []
    t0 = time.time()
    with torch.no_grad():
        for k in range(args.clips_per_caption):
            for ci, c in enumerate(caps):
                lats.append((vae.encode_raw(torch.from_numpy(render(c, rng))[None]) - tm) / ts)
                lcaps.append(ci)
            bar(k + 1, args.clips_per_caption, t0, "encoding clips")
    print()
    latents = torch.cat(lats)
    log["latent_std_normalised"] = latents.std().item()
    dit = train_dit(latents, lcaps, embs, empty, Budget(args.minutes_dit, args.steps_dit, "DiT"), args.batch, log)
    write_safetensors(os.path.join(args.out, DIT_FILE),
                      {"model.diffusion_model." + k: v.half() for k, v in dit.state_dict().items()},
                      {"jcomfy_demo": f"Wan2.1 t2v DiT {DIT}, trained by tools/train_demo.py"})
    log["wall_minutes_" + ("dit" if args.dit_only else "all")] = (time.time() - t_start) / 60
    log["config"] = {"dit": DIT, "vae_dim": VAE_DIM, "shift": SHIFT, "size": SIZE, "frames": FRAMES,
                     "captions": len(caps), "clips": len(lcaps), "threads": args.threads}
    with open(log_path, "w") as f:
        json.dump(log, f, indent=1)
    print(json.dumps(log, indent=1))


if __name__ == "__main__":
    main()
