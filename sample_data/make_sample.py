"""Make ``sample_data/survey.xlsx``: a realistic customer-satisfaction survey with a known truth.

Run ``python sample_data/make_sample.py`` (seeded: the same file every time). 500 respondents of
an online retailer, three months (2026-08, 2026-09, 2026-10), four regions, Chinese headers for
the profile columns and Chinese Kano answers; a second sheet "问卷题目" holds the wording of every
question.

The truth built in
------------------
**CSI (ECSI model, items on 1–10).** Standardized latent variables follow

    EXPE = 0.50 IMAG
    QUAL = 0.60 EXPE
    VAL  = 0.20 EXPE + 0.60 QUAL
    SAT  = 0.25 IMAG + 0.05 EXPE + 0.40 QUAL + 0.25 VAL
    COMP = 0.50 SAT
    LOY  = 0.20 IMAG + 0.50 SAT + 0.10 COMP

(each plus an independent disturbance that gives the construct unit variance; these are the
``TRUE_PATHS``). Items are ``loading · LV + sqrt(1 − loading²) · noise`` with loadings 0.75–0.90
(``LOADINGS``), mapped to 1–10 as ``round(7 + 1.5 · x)`` clipped. Blocks: IMAG1–5, EXPE1–3,
QUAL1–7, VAL1–2, SAT1–3, COMP1, LOY1–3. In 2026-10 the mean of QUAL drops by 0.35 SD
(``OCTOBER_QUALITY_SHIFT``), which lowers satisfaction: a real drop for ``csi report`` to find.
Region 华南 (South) has QUAL 0.30 SD lower (``SOUTH_QUALITY_SHIFT``).

**Kano (six attributes, standard Berger table).** Each respondent's category for an attribute is
drawn with probability 0.55 for the attribute's true category (``TRUE_KANO``) and the rest spread
over the other categories; the answer pair is then drawn uniformly among the table cells of that
category. So the true category is the mode with share ≈ 0.55:
delivery_speed M, order_tracking O, free_gift A, eco_packaging I, live_chat O, push_notice R.
Answers are Chinese texts (我很喜欢 / 理应如此 / 无所谓 / 能忍受 / 我很不喜欢, with the variants
非常喜欢, 理所当然, 可以忍受 mixed in). ``<attr>_imp`` is self-stated importance 1–9 and
``<attr>_perf`` a 1–5 performance rating; ``overall`` (1–10) is penalised by a low rating of the
must-be attributes and rewarded by a high rating of the attractive one.

**Gaps (SERVQUAL, 22 items on 1–7).** Expectations ``Q<k>_E`` are drawn from
``EXPECTATION_PMF`` over 3..7; perceptions are ``clip(round(E + g + N(0, 1)), 1, 7)`` with the
dimension's nominal gap g (``NOMINAL_GAPS``: Tangibles −0.3, Reliability −1.0,
Responsiveness −0.6, Assurance −0.2, Empathy +0.3). Rounding and clipping shift the mean a
little: ``true_gap(g)`` gives the exact expected P − E, and ``TRUE_GAPS`` holds it per dimension
(Tangibles −0.376, Reliability −1.016, Responsiveness −0.644, Assurance −0.290, Empathy
+0.113 — run the module with ``--truth`` to print them).

**NPS** ``推荐意愿`` named ``NPS`` (0–10) = clip(round(7.2 + 2 · LOY + N(0, 1))).

**Customers (value, membership, purchases, retention)** are drawn from each respondent's own
satisfaction answers, ``s`` = the mean of their SAT1–SAT3 (1–10), by a separate generator
(``CUSTOMER_SEED``) so no other column changes:

- ``会员等级`` (membership: 钻石 / 金卡 / 银卡 / 普通, top first) with probabilities
  ``LEVEL_PROBS``: respondents below the median ``s`` are far more often 金卡 (35% against 8%),
  so **the 金卡 (gold) tier is the least satisfied**;
- ``年消费`` (annual spend, yuan) = lognormal around the level's median ``LEVEL_SPEND``
  (20,000 / 8,000 / 3,000 / 800, log-sd 0.35): 金卡 holds the largest share of value;
- ``购买次数`` (purchases a year) ~ Poisson(3), and Poisson(7) for the top box (``s ≥ 8.5``, the
  9–10 box): **repeat patronage jumps at the top box**;
- ``是否留存`` (retained a year later: 留存 / 流失) with ``logit P = 1.0 + 0.5 (s − 7)``
  (``RETENTION_LOGIT``): **retention rises with satisfaction**, odds ratio e^0.5 ≈ 1.65 per
  scale point.

Attitudinal loyalty needs no new column: the loyal top box (9–10) of the LOY items is a tail of
``LOY = 0.50 SAT + …`` above, so **loyalty jumps at the top box** of satisfaction — the
completely satisfied (SAT score 9–10) are several times as often loyal as the merely satisfied
(7–8).

**Complaints and service recovery** (their own generator, seed ``COMPLAINT_SEED``, drawn from
each respondent's ``overall`` and loyalty — the mean of LOY1–3 — standardized as s and l).
``遇到问题`` (had a problem, 是/否): P = logistic(−0.4 − 0.4 s), about 40%, more among the less
satisfied. ``投诉`` (complained, 是/否): among those with a problem with probability
``VOICE_RATE`` = 0.05 whatever else they answered — the designed voice rate, so 19 silent
customers per complaint; no-problem respondents answer 否. ``投诉渠道``: 电话 / 在线客服 / 邮件.
``问题解决`` (resolved, 已解决/未解决): P = logistic(0.3 + 4 s − 2 l) among complainers, about
45%. Resolution thus goes with a high ``overall`` at a given loyalty: resolved complainers rate
``overall`` about 0.55 points *above* the no-problem customers (the recovery paradox on
satisfaction) while their loyalty is about 0.4 points *below* (no paradox on loyalty; de Matos
et al. 2007). ``处理满意度`` (handling, 1–10, complainers only) =
clip(round(4 + 3 resolved + l + N(0, 1))): among complainers handling raises loyalty.

**Journey** (same generator). Five touchpoints in journey order, ``tp_browse``, ``tp_order``,
``tp_payment``, ``tp_delivery``, ``tp_service`` (1–10), =
clip(round(7 + o_k + 1.6 (0.6 w_k s + 0.5 u + c d_k))) with offsets o = (0.3, 0.1, 0.2, −0.5,
−0.2), weights w = ``TOUCHPOINT_WEIGHTS`` (0.6, 0.8, 0.7, 1.3, 1.0: delivery matters most), a
shared per-respondent noise u, per-touchpoint noise d_k and an inconsistency scale
c = 0.7 exp(−0.2 s + 0.25 N(0, 1)): the less satisfied had the less consistent journeys, so at a
given touchpoint mean a wider spread goes with lower satisfaction (a negative consistency
effect). ``journey`` (the whole journey, 1–10) = clip(round(7 + 1.6 (0.85 s + 0.5 N(0, 1)))):
it predicts ``overall`` (and loyalty) out of sample better than the touchpoints do.
``tests/test_complaints.py`` and ``tests/test_journey.py`` recover all of this on a draw of
40,000 respondents; the 500 of the workbook hold about 10 complainers, too few to show the
paradox (the analysis says so through its wide intervals).

**Comments** ``意见`` (about 70% answered) follow the NPS group (``COMMENT_MIX``): each joins one to
three phrases (``COMMENT_PHRASES``, Chinese with some English) drawn from pools by group —
detractors (0–6) write about slow delivery (45%: 配送太慢了, 快递三天才到, …) and customer
service (35%: 客服态度很差, …); promoters (9–10) about price (45%: 价格实惠, 性价比高, …) and
quality (35%: 质量很好, …); passives mostly neutral phrases; everyone some neutral ones. So the
delivery/配送 and service/客服 themes are the most frequent among detractors and carry the
largest satisfaction and NPS penalty; price/价格 and quality/质量 lead among promoters; 客服 and
a delivery word are top distinguishing terms of detractors, 价格/质量 of promoters. Three
comments hold personal data (a mainland mobile, an e-mail, a UK number) that every output must
mask.

A few answers are blank (eight respondents miss one CSI item each) and one comment holds text that
looks like a spreadsheet formula, another HTML: exports must show both as plain text.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

SEED = 20261125
N_RESPONDENTS = 500
HERE = Path(__file__).resolve().parent

TRUE_PATHS = {
    ("IMAG", "EXPE"): 0.50,
    ("EXPE", "QUAL"): 0.60,
    ("EXPE", "VAL"): 0.20,
    ("QUAL", "VAL"): 0.60,
    ("IMAG", "SAT"): 0.25,
    ("EXPE", "SAT"): 0.05,
    ("QUAL", "SAT"): 0.40,
    ("VAL", "SAT"): 0.25,
    ("SAT", "COMP"): 0.50,
    ("IMAG", "LOY"): 0.20,
    ("SAT", "LOY"): 0.50,
    ("COMP", "LOY"): 0.10,
}
BLOCK_SIZES = {"IMAG": 5, "EXPE": 3, "QUAL": 7, "VAL": 2, "SAT": 3, "COMP": 1, "LOY": 3}
LOADINGS = {
    "IMAG": 0.80,
    "EXPE": 0.75,
    "QUAL": 0.85,
    "VAL": 0.90,
    "SAT": 0.90,
    "COMP": 1.0,
    "LOY": 0.85,
}
OCTOBER_QUALITY_SHIFT = -0.35
SOUTH_QUALITY_SHIFT = -0.30
MONTHS = ("2026-08", "2026-09", "2026-10")
REGIONS = ("华东", "华北", "华南", "西部")

KANO_CELLS = {  # standard Berger et al. (1993) table: category -> (functional, dysfunctional)
    "A": [(1, 2), (1, 3), (1, 4)],
    "O": [(1, 5)],
    "M": [(2, 5), (3, 5), (4, 5)],
    "I": [(2, 2), (2, 3), (2, 4), (3, 2), (3, 3), (3, 4), (4, 2), (4, 3), (4, 4)],
    "R": [(2, 1), (3, 1), (4, 1), (5, 1), (5, 2), (5, 3), (5, 4)],
    "Q": [(1, 1), (5, 5)],
}
TRUE_KANO = {
    "delivery_speed": "M",
    "order_tracking": "O",
    "free_gift": "A",
    "eco_packaging": "I",
    "live_chat": "O",
    "push_notice": "R",
}
KANO_WORDING = {
    "delivery_speed": "送货速度快",
    "order_tracking": "可以实时跟踪订单",
    "free_gift": "随单附赠小礼品",
    "eco_packaging": "使用环保包装",
    "live_chat": "提供在线客服",
    "push_notice": "推送促销通知",
}
ANSWER_TEXTS = {
    1: ("我很喜欢", "非常喜欢"),
    2: ("理应如此", "理所当然"),
    3: ("无所谓",),
    4: ("能忍受", "可以忍受"),
    5: ("我很不喜欢",),
}

NOMINAL_GAPS = {
    "Tangibles": -0.3,
    "Reliability": -1.0,
    "Responsiveness": -0.6,
    "Assurance": -0.2,
    "Empathy": 0.3,
}
SERVQUAL_ITEMS = {
    "Tangibles": range(1, 5),
    "Reliability": range(5, 10),
    "Responsiveness": range(10, 14),
    "Assurance": range(14, 18),
    "Empathy": range(18, 23),
}
EXPECTATION_PMF = {3: 0.05, 4: 0.10, 5: 0.25, 6: 0.35, 7: 0.25}
GAP_SCALE = (1, 7)


def true_gap(nominal: float, noise_sd: float = 1.0) -> float:
    """Exact E[P − E] when P = clip(round(E + nominal + N(0, noise_sd)), 1, 7)."""
    low, high = GAP_SCALE
    total = 0.0
    for expectation, weight in EXPECTATION_PMF.items():
        levels = np.arange(low, high + 1)
        upper = np.where(levels == high, np.inf, levels + 0.5)
        lower = np.where(levels == low, -np.inf, levels - 0.5)
        centre = expectation + nominal
        probs = norm.cdf((upper - centre) / noise_sd) - norm.cdf((lower - centre) / noise_sd)
        total += weight * (float(levels @ probs) - expectation)
    return total


TRUE_GAPS = {dimension: true_gap(g) for dimension, g in NOMINAL_GAPS.items()}


def _latents(rng: np.random.Generator, quality_shift: np.ndarray) -> dict[str, np.ndarray]:
    n = quality_shift.size
    latent: dict[str, np.ndarray] = {"IMAG": rng.standard_normal(n)}
    order = ("EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY")
    for construct in order:
        preds = [(p, b) for (p, t), b in TRUE_PATHS.items() if t == construct]
        systematic = sum(b * latent[p] for p, b in preds)
        explained = float(np.var(systematic)) if np.ndim(systematic) else 0.0
        disturbance = rng.standard_normal(n) * np.sqrt(max(1.0 - explained, 0.05))
        latent[construct] = systematic + disturbance
        if construct == "QUAL":
            latent[construct] = latent[construct] + quality_shift
    return latent


def _items(rng: np.random.Generator, latent: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    columns = {}
    for construct, size in BLOCK_SIZES.items():
        loading = LOADINGS[construct]
        for k in range(1, size + 1):
            noise = rng.standard_normal(latent[construct].size)
            x = loading * latent[construct] + np.sqrt(1 - loading**2) * noise
            columns[f"{construct}{k}"] = np.clip(np.round(7 + 1.5 * x), 1, 10)
    return columns


def _kano(rng: np.random.Generator, n: int) -> dict[str, object]:
    columns: dict[str, object] = {}
    categories = list(KANO_CELLS)
    for attribute, true_category in TRUE_KANO.items():
        others = [c for c in categories if c != true_category]
        probs = [0.55 if c == true_category else 0.45 / len(others) for c in categories]
        drawn = rng.choice(len(categories), size=n, p=probs)
        functional = np.empty(n, dtype=int)
        dysfunctional = np.empty(n, dtype=int)
        for index, category in enumerate(categories):
            rows = np.flatnonzero(drawn == index)
            cells = np.array(KANO_CELLS[category])
            picked = cells[rng.integers(0, len(cells), size=rows.size)]
            functional[rows], dysfunctional[rows] = picked[:, 0], picked[:, 1]
        columns[f"{attribute}_func"] = _answer_texts(rng, functional)
        columns[f"{attribute}_dysf"] = _answer_texts(rng, dysfunctional)
        columns[f"{attribute}_imp"] = rng.integers(4, 10, size=n)
        columns[f"{attribute}_perf"] = rng.integers(1, 6, size=n)
    return columns


def _answer_texts(rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
    texts = np.empty(codes.size, dtype=object)
    for code, variants in ANSWER_TEXTS.items():
        rows = np.flatnonzero(codes == code)
        texts[rows] = np.array(variants, dtype=object)[rng.integers(0, len(variants), rows.size)]
    return texts


def _overall(rng: np.random.Generator, kano: dict[str, object], sat: np.ndarray) -> np.ndarray:
    score = 7 + 1.2 * sat
    for attribute, category in TRUE_KANO.items():
        performance = np.asarray(kano[f"{attribute}_perf"])
        if category == "M":
            score = score - 1.2 * (performance <= 2)
        elif category == "A":
            score = score + 1.0 * (performance >= 4)
        elif category == "O":
            score = score + 0.4 * (performance - 3)
    return np.clip(np.round(score + rng.normal(0, 0.8, sat.size)), 1, 10)


def _gaps(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    columns = {}
    levels = np.array(list(EXPECTATION_PMF))
    weights = np.array(list(EXPECTATION_PMF.values()))
    for dimension, items in SERVQUAL_ITEMS.items():
        for k in items:
            expectation = rng.choice(levels, size=n, p=weights)
            perception = np.round(expectation + NOMINAL_GAPS[dimension] + rng.standard_normal(n))
            columns[f"Q{k}_E"] = expectation.astype(float)
            columns[f"Q{k}_P"] = np.clip(perception, *GAP_SCALE)
    return columns


CUSTOMER_SEED = 20261201
LEVELS = ("钻石", "金卡", "银卡", "普通")
LEVEL_PROBS = {"low": (0.05, 0.35, 0.30, 0.30), "high": (0.05, 0.08, 0.40, 0.47)}
LEVEL_SPEND = (20_000.0, 8_000.0, 3_000.0, 800.0)
SPEND_LOG_SD = 0.35
PURCHASES = {"top box": 7.0, "other": 3.0}
TOP_BOX_MEAN = 8.5
RETENTION_LOGIT = (1.0, 0.5, 7.0)  # intercept, slope per point, centre


def _customers(frame: pd.DataFrame, seed: int = CUSTOMER_SEED) -> dict[str, np.ndarray]:
    """Membership, spend, purchases and retention drawn from each respondent's SAT answers."""
    rng = np.random.default_rng(seed)
    satisfaction = frame[["SAT1", "SAT2", "SAT3"]].mean(axis=1).to_numpy()
    low = satisfaction < np.median(satisfaction)
    n = satisfaction.size
    level = np.where(
        low,
        rng.choice(len(LEVELS), size=n, p=LEVEL_PROBS["low"]),
        rng.choice(len(LEVELS), size=n, p=LEVEL_PROBS["high"]),
    )
    spend = np.array(LEVEL_SPEND)[level] * np.exp(rng.normal(0, SPEND_LOG_SD, n))
    top_box = satisfaction >= TOP_BOX_MEAN
    purchases = rng.poisson(np.where(top_box, PURCHASES["top box"], PURCHASES["other"]))
    intercept, slope, centre = RETENTION_LOGIT
    retained = rng.random(n) < 1 / (1 + np.exp(-(intercept + slope * (satisfaction - centre))))
    return {
        "会员等级": np.array(LEVELS, dtype=object)[level],
        "年消费": np.round(spend),
        "购买次数": purchases,
        "是否留存": np.where(retained, "留存", "流失").astype(object),
    }


COMMENT_SEED = 20261216  # the comments' own generator: the other columns never change
#: Comment phrases by theme and tone; a comment joins one to three of them.
COMMENT_PHRASES = {
    "delivery_bad": ("配送太慢了", "快递三天才到", "物流慢得离谱", "送货太慢", "发货慢，等了一周",
                     "delivery was slow", "the courier came two days late"),
    "service_bad": ("客服态度很差", "客服一直不回复", "找客服没人理", "客服踢皮球",
                    "customer service never answered", "客服回复太慢"),
    "price_good": ("价格实惠", "价格很便宜", "性价比高", "优惠力度大", "great price",
                   "price is fair"),
    "quality_good": ("质量很好", "质量不错", "做工精细", "品质有保证", "quality is excellent",
                     "good quality"),
    "neutral": ("还可以", "一般般", "页面有点乱", "包装还行", "希望多做活动", "app is ok",
                "发票开得及时", "下次再看看"),
}  # fmt: skip
#: Theme mix of a comment by NPS group: (phrase pool, probability).
COMMENT_MIX = {
    "detractor": {"delivery_bad": 0.45, "service_bad": 0.35, "neutral": 0.20},
    "passive": {"delivery_bad": 0.10, "service_bad": 0.10, "price_good": 0.15,
                "quality_good": 0.15, "neutral": 0.50},
    "promoter": {"price_good": 0.45, "quality_good": 0.35, "neutral": 0.20},
}  # fmt: skip
#: Personal data a few customers leave in their comment (the reports must mask it).
PERSONAL_COMMENTS = (
    "快递太慢了，请打我电话 138 1234 5678",
    "客服不理人，邮箱 zhang.wei@example.com 回复我",
    "delivery was slow, call me on +44 20 7946 0958",
)
TRICKY_COMMENTS = (
    '=HYPERLINK("http://example.invalid","点击领奖")',
    "<script>alert('x')</script> 页面打不开",
)


def _comments(rng: np.random.Generator, nps: np.ndarray) -> np.ndarray:
    """Free text whose topic follows the NPS group (``COMMENT_MIX``); some blank, a few hostile.

    Blanks and the two hostile texts are placed by the survey's generator, as before; the
    comments' content comes from their own generator (``COMMENT_SEED``).
    """
    n = nps.size
    rng.choice(8, size=n), rng.choice(6, size=n)  # draws of the earlier version: kept, so the
    # blank rows of the other columns, drawn after, stay where they were
    own = np.random.default_rng(COMMENT_SEED)
    group = np.where(nps <= 6, "detractor", np.where(nps >= 9, "promoter", "passive"))
    comments = np.empty(n, dtype=object)
    for name, mix in COMMENT_MIX.items():
        rows = np.flatnonzero(group == name)
        comments[rows] = [_comment(own, mix) for _ in rows]
    comments[rng.random(n) < 0.3] = None
    tricky = rng.choice(n, size=len(TRICKY_COMMENTS), replace=False)
    comments[tricky] = TRICKY_COMMENTS
    ordinary = np.setdiff1d(np.flatnonzero(pd.notna(comments)), tricky)
    comments[own.choice(ordinary, size=len(PERSONAL_COMMENTS), replace=False)] = PERSONAL_COMMENTS
    return comments


def _comment(rng: np.random.Generator, mix: dict[str, float]) -> str:
    pools = rng.choice(list(mix), size=rng.integers(1, 4), p=list(mix.values()))
    phrases = [COMMENT_PHRASES[pool][rng.integers(len(COMMENT_PHRASES[pool]))] for pool in pools]
    return "，".join(dict.fromkeys(phrases))


def make_frame(seed: int = SEED, n: int = N_RESPONDENTS) -> pd.DataFrame:
    """The sample survey as a DataFrame (one row per respondent)."""
    rng = np.random.default_rng(seed)
    month_index = rng.integers(0, len(MONTHS), size=n)
    region = rng.choice(len(REGIONS), size=n, p=[0.35, 0.30, 0.20, 0.15])
    shift = OCTOBER_QUALITY_SHIFT * (month_index == 2) + SOUTH_QUALITY_SHIFT * (region == 2)
    latent = _latents(rng, shift)
    items = _items(rng, latent)
    kano = _kano(rng, n)
    days = rng.integers(1, 29, size=n)
    dates = [
        dt.date(int(MONTHS[m][:4]), int(MONTHS[m][5:]), int(d))
        for m, d in zip(month_index, days, strict=True)
    ]
    overall = _overall(rng, kano, latent["SAT"])
    gaps = _gaps(rng, n)
    nps = np.clip(np.round(7.2 + 2 * latent["LOY"] + rng.standard_normal(n)), 0, 10)
    frame = pd.DataFrame(
        {
            "resp_id": np.arange(1001, 1001 + n),
            "日期": pd.to_datetime(dates),
            "地区": np.array(REGIONS, dtype=object)[region],
            **items,
            **kano,
            "overall": overall,
            **gaps,
            "NPS": nps,
            "意见": _comments(rng, nps),
        }
    )
    blanks = rng.choice(n, size=8, replace=False)
    item_columns = list(items)
    for row in blanks:
        frame.loc[row, item_columns[int(rng.integers(0, len(item_columns)))]] = np.nan
    frame = frame.assign(**_customers(frame))
    extra = complaints_and_journey(frame)
    comments = frame.pop("意见")
    return pd.concat([frame, extra, comments], axis=1)


COMPLAINT_SEED = 20261515
VOICE_RATE = 0.05
CHANNELS = ("电话", "在线客服", "邮件")
STAGES = ("browse", "order", "payment", "delivery", "service")
STAGE_WORDING = ("浏览商品", "下单", "支付", "配送", "售后服务")
TOUCHPOINT_OFFSETS = (0.3, 0.1, 0.2, -0.5, -0.2)
TOUCHPOINT_WEIGHTS = (0.6, 0.8, 0.7, 1.3, 1.0)


def _standardized(values: np.ndarray) -> np.ndarray:
    return (values - np.nanmean(values)) / np.nanstd(values)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def complaints_and_journey(frame: pd.DataFrame, seed: int = COMPLAINT_SEED) -> pd.DataFrame:
    """The complaint and journey columns, drawn from each row's ``overall`` and LOY items.

    Its own generator: the other columns do not change. See the module docstring for the truth.
    """
    rng = np.random.default_rng(seed)
    n = len(frame)
    s = _standardized(frame["overall"].to_numpy(float))
    loyalty = np.nanmean(frame[[f"LOY{k}" for k in range(1, 4)]].to_numpy(float), axis=1)
    l = _standardized(loyalty)  # noqa: E741 (the docstring's symbol)
    problem = rng.random(n) < _logistic(-0.4 - 0.4 * s)
    complained = problem & (rng.random(n) < VOICE_RATE)
    resolved = rng.random(n) < _logistic(0.3 + 4 * s - 2 * l)
    handling = np.clip(np.round(4 + 3 * resolved + l + rng.standard_normal(n)), 1, 10)
    yes_no = np.array(["否", "是"], dtype=object)
    columns: dict[str, object] = {
        "遇到问题": yes_no[problem.astype(int)],
        "投诉": yes_no[complained.astype(int)],
        "投诉渠道": np.where(complained, rng.choice(CHANNELS, size=n), None),
        "问题解决": np.where(complained, np.where(resolved, "已解决", "未解决"), None),
        "处理满意度": np.where(complained, handling, np.nan),
    }
    shared = rng.standard_normal(n)
    spread = 0.7 * np.exp(-0.2 * s + 0.25 * rng.standard_normal(n))
    for stage, offset, weight in zip(STAGES, TOUCHPOINT_OFFSETS, TOUCHPOINT_WEIGHTS, strict=True):
        latent = 0.6 * weight * s + 0.5 * shared + spread * rng.standard_normal(n)
        columns[f"tp_{stage}"] = np.clip(np.round(7 + offset + 1.6 * latent), 1, 10)
    journey = 0.85 * s + 0.5 * rng.standard_normal(n)
    columns["journey"] = np.clip(np.round(7 + 1.6 * journey), 1, 10)
    return pd.DataFrame(columns, index=frame.index)


def question_sheet() -> pd.DataFrame:
    """The second sheet: every question's wording in Chinese."""
    names = {
        "IMAG": "企业形象",
        "EXPE": "顾客预期",
        "QUAL": "感知质量",
        "VAL": "感知价值",
        "SAT": "顾客满意",
        "COMP": "顾客抱怨",
        "LOY": "顾客忠诚",
    }
    rows = [
        (f"{c}{k}", f"{names[c]} 第{k}题（1=非常不同意，10=非常同意）")
        for c, size in BLOCK_SIZES.items()
        for k in range(1, size + 1)
    ]
    for attribute, wording in KANO_WORDING.items():
        rows.append((f"{attribute}_func", f"如果{wording}，您觉得如何？"))
        rows.append((f"{attribute}_dysf", f"如果不{wording}，您觉得如何？"))
        rows.append((f"{attribute}_imp", f"“{wording}”对您有多重要？（1–9）"))
        rows.append((f"{attribute}_perf", f"您对“{wording}”的表现评价（1–5）"))
    for dimension, items in SERVQUAL_ITEMS.items():
        for k in items:
            rows.append((f"Q{k}_E", f"{dimension}：您对第{k}项服务的期望（1–7）"))
            rows.append((f"Q{k}_P", f"{dimension}：您对第{k}项服务的实际感受（1–7）"))
    rows += [
        ("overall", "总体满意度（1–10）"),
        ("NPS", "您向朋友推荐我们的可能性（0–10）"),
        ("遇到问题", "最近一次购物中您是否遇到问题？（是/否）"),
        ("投诉", "您是否就该问题投诉过？（是/否）"),
        ("投诉渠道", "您通过什么渠道投诉？"),
        ("问题解决", "您的投诉是否得到解决？"),
        ("处理满意度", "您对投诉处理的满意程度（1–10）"),
        *(
            (f"tp_{stage}", f"您对“{wording}”环节的满意程度（1–10）")
            for stage, wording in zip(STAGES, STAGE_WORDING, strict=True)
        ),
        ("journey", "您对整个购物过程的满意程度（1–10）"),
        ("意见", "其他意见"),
        ("会员等级", "会员等级（钻石 / 金卡 / 银卡 / 普通）"),
        ("年消费", "过去一年消费金额（元，来自 CRM）"),
        ("购买次数", "过去一年购买次数（来自 CRM）"),
        ("是否留存", "一年后是否仍为活跃客户（留存 / 流失，来自 CRM）"),
    ]
    return pd.DataFrame(rows, columns=["题号", "题目"])


def write(path: Path, seed: int = SEED) -> None:
    """Write the workbook (sheet 问卷数据 then 问卷题目)."""
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        writer.book.set_properties({"created": dt.datetime(2026, 11, 1)})
        make_frame(seed).to_excel(writer, sheet_name="问卷数据", index=False)
        question_sheet().to_excel(writer, sheet_name="问卷题目", index=False)


def main() -> None:
    """Command line: write the sample, or print the truth with ``--truth``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=HERE / "survey.xlsx")
    parser.add_argument("--truth", action="store_true", help="print the built-in truth")
    args = parser.parse_args()
    if args.truth:
        for dimension, gap in TRUE_GAPS.items():
            print(f"gap {dimension}: {gap:+.3f}")
        return
    write(args.output)


if __name__ == "__main__":
    main()
