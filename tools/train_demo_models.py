"""Wan2.1 DiT and VAE in PyTorch, written from ../shared/spec/WAN-MODEL.md, for training the demo models.

Only what training needs: the full-sequence formulation of the causal VAE (spec 3.4, verified
there to equal the chunked upstream decode/encode), and the t2v DiT (spec 1). Parameter names are
the official state-dict keys, so `state_dict()` is already the file layout (ComfyUI adds the
`model.diffusion_model.` prefix to the DiT; the VAE keys are the same as the official ones).
`train_demo.py --check` compares both against the goldens before anything trains.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------- VAE (spec 3)

class CausalConv3d(nn.Conv3d):
    """Conv3d with spatial padding on both sides and temporal padding 2*pt in front only."""

    def __init__(self, cin, cout, kernel, stride=1, padding=0):
        super().__init__(cin, cout, kernel, stride=stride, padding=0)
        p = (padding,) * 3 if isinstance(padding, int) else padding
        self.causal_pad = (p[2], p[2], p[1], p[1], 2 * p[0], 0)

    def forward(self, x):
        return super().forward(F.pad(x, self.causal_pad))


class RMSNormC(nn.Module):
    """The VAE's channel RMS norm: x / max(||x||, 1e-12) * sqrt(C) * gamma (no bias)."""

    def __init__(self, c, images):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(c, 1, 1) if images else torch.ones(c, 1, 1, 1))
        self.scale = c ** 0.5

    def forward(self, x):
        return F.normalize(x, dim=1) * self.scale * self.gamma


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.residual = nn.Sequential(
            RMSNormC(cin, False), nn.SiLU(), CausalConv3d(cin, cout, 3, padding=1),
            RMSNormC(cout, False), nn.SiLU(), nn.Dropout(0.0), CausalConv3d(cout, cout, 3, padding=1))
        self.shortcut = CausalConv3d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x):
        return self.residual(x) + self.shortcut(x)


def per_frame(x, fn):
    b, c, t, h, w = x.shape
    y = fn(x.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w))
    return y.reshape(b, t, y.shape[1], y.shape[2], y.shape[3]).permute(0, 2, 1, 3, 4)


class AttentionBlock(nn.Module):
    """Single-head self-attention over the pixels of each frame."""

    def __init__(self, c):
        super().__init__()
        self.norm = RMSNormC(c, True)
        self.to_qkv = nn.Conv2d(c, 3 * c, 1)
        self.proj = nn.Conv2d(c, c, 1)

    def forward(self, x):
        def attend(f):
            n, c, h, w = f.shape
            q, k, v = self.to_qkv(self.norm(f)).reshape(n, 3 * c, h * w).transpose(1, 2).chunk(3, dim=-1)
            a = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(c), dim=-1) @ v
            return self.proj(a.transpose(1, 2).reshape(n, c, h, w))
        return x + per_frame(x, attend)


class Resample(nn.Module):
    def __init__(self, c, mode):
        super().__init__()
        self.mode = mode
        if mode.startswith("upsample"):
            self.resample = nn.Sequential(nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(c, c // 2, 3, padding=1))
            if mode == "upsample3d":
                self.time_conv = CausalConv3d(c, 2 * c, (3, 1, 1), padding=(1, 0, 0))
        else:
            self.resample = nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(c, c, 3, stride=2))
            if mode == "downsample3d":
                self.time_conv = CausalConv3d(c, c, (3, 1, 1), stride=(2, 1, 1), padding=(0, 0, 0))

    def forward(self, x):
        if self.mode == "upsample3d" and x.shape[2] > 1:
            # frame 0 passes alone; every later frame becomes two (channel halves, earlier first)
            y = self.time_conv(x[:, :, 1:])
            b, c2, t, h, w = y.shape
            y = y.reshape(b, 2, c2 // 2, t, h, w).permute(0, 2, 3, 1, 4, 5).reshape(b, c2 // 2, 2 * t, h, w)
            x = torch.cat([x[:, :, :1], y], dim=2)
        x = per_frame(x, self.resample)
        if self.mode == "downsample3d" and x.shape[2] > 1:
            x = torch.cat([x[:, :, :1], self.time_conv(x)], dim=2)
        return x


class Encoder3d(nn.Module):
    def __init__(self, dim, zc, mult=(1, 2, 4, 4), nres=2, tdown=(False, True, True)):
        super().__init__()
        dims = [dim * u for u in (1,) + tuple(mult)]
        self.conv1 = CausalConv3d(3, dims[0], 3, padding=1)
        layers = []
        for i, (cin, cout) in enumerate(zip(dims[:-1], dims[1:])):
            for _ in range(nres):
                layers.append(ResidualBlock(cin, cout))
                cin = cout
            if i != len(mult) - 1:
                layers.append(Resample(cout, "downsample3d" if tdown[i] else "downsample2d"))
        self.downsamples = nn.Sequential(*layers)
        c = dims[-1]
        self.middle = nn.Sequential(ResidualBlock(c, c), AttentionBlock(c), ResidualBlock(c, c))
        self.head = nn.Sequential(RMSNormC(c, False), nn.SiLU(), CausalConv3d(c, zc, 3, padding=1))

    def forward(self, x):
        return self.head(self.middle(self.downsamples(self.conv1(x))))


class Decoder3d(nn.Module):
    def __init__(self, dim, z, mult=(1, 2, 4, 4), nres=2, tup=(True, True, False)):
        super().__init__()
        dims = [dim * u for u in (mult[-1],) + tuple(reversed(mult))]
        self.conv1 = CausalConv3d(z, dims[0], 3, padding=1)
        c = dims[0]
        self.middle = nn.Sequential(ResidualBlock(c, c), AttentionBlock(c), ResidualBlock(c, c))
        layers = []
        for i, (cin, cout) in enumerate(zip(dims[:-1], dims[1:])):
            if i in (1, 2, 3):
                cin //= 2
            for _ in range(nres + 1):
                layers.append(ResidualBlock(cin, cout))
                cin = cout
            if i != len(mult) - 1:
                layers.append(Resample(cout, "upsample3d" if tup[i] else "upsample2d"))
        self.upsamples = nn.Sequential(*layers)
        self.head = nn.Sequential(RMSNormC(cout, False), nn.SiLU(), CausalConv3d(cout, 3, 3, padding=1))

    def forward(self, x):
        return self.head(self.upsamples(self.middle(self.conv1(x))))


class WanVAE(nn.Module):
    """WanVAE_ (z_dim 16). encode/decode work in raw latent space, as ComfyUI's LATENT does."""

    def __init__(self, dim, z_dim=16):
        super().__init__()
        self.encoder = Encoder3d(dim, 2 * z_dim)
        self.conv1 = CausalConv3d(2 * z_dim, 2 * z_dim, 1)
        self.conv2 = CausalConv3d(z_dim, z_dim, 1)
        self.decoder = Decoder3d(dim, z_dim)
        self.z_dim = z_dim

    def encode_raw(self, video):
        """[B,3,T,H,W] in [-1,1] -> raw mu [B,16,1+(T-1)/4,H/8,W/8]."""
        return self.conv1(self.encoder(video))[:, :self.z_dim]

    def decode_raw(self, z):
        """raw latent -> video before the clamp."""
        return self.decoder(self.conv2(z))


# ----------------------------------------------------------------------------- DiT (spec 1)

class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def layer_norm(x, eps=1e-6):
    return F.layer_norm(x, x.shape[-1:], eps=eps)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.norm_q, self.norm_k = RMSNorm(d), RMSNorm(d)
        self.heads = heads

    def forward(self, x, ctx=None, rope=None, bias=None):
        b, lq, d = x.shape
        src = x if ctx is None else ctx
        n, hd = self.heads, d // self.heads
        q = self.norm_q(self.q(x)).view(b, lq, n, hd)
        k = self.norm_k(self.k(src)).view(b, src.shape[1], n, hd)
        v = self.v(src).view(b, src.shape[1], n, hd)
        if rope is not None:
            q, k = apply_rope(q, rope), apply_rope(k, rope)
        s = torch.einsum("bqnd,bknd->bnqk", q, k) / math.sqrt(hd)
        if bias is not None:
            s = s + bias[:, None, None, :]
        a = torch.einsum("bnqk,bknd->bqnd", torch.softmax(s, dim=-1), v).reshape(b, lq, d)
        return self.o(a)


def rope_table(grid, hd, dtype):
    """cos/sin [L, hd/2] for the 3-D RoPE (spec 1.5.1), computed in float64."""
    c = hd // 2
    nh = c // 3
    nf = c - 2 * nh
    wf = 10000.0 ** (-2 * torch.arange(nf, dtype=torch.float64) / (hd - 4 * (hd // 6)))
    wh = 10000.0 ** (-2 * torch.arange(nh, dtype=torch.float64) / (2 * (hd // 6)))
    f, h, w = grid
    ff, hh, ww = torch.meshgrid(torch.arange(f), torch.arange(h), torch.arange(w), indexing="ij")
    ang = torch.cat([ff.reshape(-1, 1) * wf, hh.reshape(-1, 1) * wh, ww.reshape(-1, 1) * wh], dim=1)
    return torch.cos(ang).to(dtype), torch.sin(ang).to(dtype)


def apply_rope(x, rope):
    cos, sin = rope
    b, l, n, hd = x.shape
    xp = x.to(cos.dtype).reshape(b, l, n, hd // 2, 2)
    a, bb = xp[..., 0], xp[..., 1]
    cos, sin = cos[None, :, None, :], sin[None, :, None, :]
    return torch.stack([a * cos - bb * sin, a * sin + bb * cos], dim=-1).reshape(b, l, n, hd).to(x.dtype)


class Block(nn.Module):
    def __init__(self, d, ffn, heads):
        super().__init__()
        self.modulation = nn.Parameter(torch.randn(1, 6, d) / d ** 0.5)
        self.self_attn = Attention(d, heads)
        self.cross_attn = Attention(d, heads)
        self.norm3 = nn.LayerNorm(d, eps=1e-6)
        self.ffn = nn.Sequential(nn.Linear(d, ffn), nn.GELU(approximate="tanh"), nn.Linear(ffn, d))

    def forward(self, x, e0, ctx, rope, bias):
        e = (self.modulation + e0).chunk(6, dim=1)
        x = x + self.self_attn(layer_norm(x) * (1 + e[1]) + e[0], rope=rope) * e[2]
        x = x + self.cross_attn(self.norm3(x), ctx=ctx, bias=bias)
        return x + self.ffn(layer_norm(x) * (1 + e[4]) + e[3]) * e[5]


class Head(nn.Module):
    def __init__(self, d, out):
        super().__init__()
        self.modulation = nn.Parameter(torch.randn(1, 2, d) / d ** 0.5)
        self.head = nn.Linear(d, out)


class WanDiT(nn.Module):
    def __init__(self, dim, ffn_dim, layers, heads, freq_dim=256, text_dim=4096, in_dim=16, out_dim=16):
        super().__init__()
        self.patch_embedding = nn.Conv3d(in_dim, dim, (1, 2, 2), stride=(1, 2, 2))
        self.text_embedding = nn.Sequential(nn.Linear(text_dim, dim), nn.GELU(approximate="tanh"), nn.Linear(dim, dim))
        self.time_embedding = nn.Sequential(nn.Linear(freq_dim, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.time_projection = nn.Sequential(nn.SiLU(), nn.Linear(dim, 6 * dim))
        self.blocks = nn.ModuleList(Block(dim, ffn_dim, heads) for _ in range(layers))
        self.head = Head(dim, out_dim * 4)
        self.dim, self.heads, self.freq_dim, self.out_dim = dim, heads, freq_dim, out_dim
        self.rope_dtype = torch.float64
        self._rope = {}

    def sinusoid(self, t):
        half = self.freq_dim // 2
        w = 10000.0 ** (-torch.arange(half, dtype=torch.float64) / half)
        a = t.to(torch.float64)[:, None] * w
        return torch.cat([torch.cos(a), torch.sin(a)], dim=1).float()

    def forward(self, x, t, ctx, ctx_bias=None):
        """x [B,16,F,H,W] model-space latent; t [B] timesteps (sigma*1000); ctx [B,Lk,text_dim].

        ctx_bias [B,Lk] is added to the cross-attention logits: 0 for a real row, log(n) for a
        row standing for n identical padding rows, -inf for unused slots. With ctx = all 512 rows
        and no bias this is exactly the official model; the compact form is the same function.
        """
        b, _, f, h, w = x.shape
        grid = (f, h // 2, w // 2)
        tok = self.patch_embedding(x).flatten(2).transpose(1, 2)
        key = (grid, self.rope_dtype)
        if key not in self._rope:
            self._rope[key] = rope_table(grid, self.dim // self.heads, self.rope_dtype)
        e = self.time_embedding(self.sinusoid(t))
        e0 = self.time_projection(e).view(b, 6, self.dim)
        c = self.text_embedding(ctx)
        for blk in self.blocks:
            tok = blk(tok, e0, c, self._rope[key], ctx_bias)
        m = (self.head.modulation + e[:, None, :]).chunk(2, dim=1)
        out = self.head.head(layer_norm(tok) * (1 + m[1]) + m[0])
        # row (f,h,w) holds (p, q, r, c) with the channel fastest
        out = out.view(b, grid[0], grid[1], grid[2], 1, 2, 2, self.out_dim)
        return torch.einsum("bfhwpqrc->bcfphqwr", out).reshape(b, self.out_dim, f, h, w)
