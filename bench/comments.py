"""Benchmark: 100,000 Chinese comments of 30–80 characters, segmented and analysed.

Run ``python bench/comments.py``. Prints the best of several runs of the segmenter alone (rjieba
over every comment: the floor of any analysis that reads every word) and of the whole comment
analysis (masking, tokenizing, bigrams, document-term matrix, log-odds, themes, Wilson shares,
impact, verbatims), and their ratio. Target (issue 16): the analysis ≤ 10 s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from timing import best_of  # bench/timing.py (the script's folder is on sys.path)

from csi_cli.methods.comments import CommentSettings, Contrast, analyse_comments
from csi_cli.methods.text import make_segmenter

COMMENTS = 100_000
REPEATS = 3
TARGET_SECONDS = 10.0
PHRASES = (
    "快递太慢了",
    "客服态度很差",
    "价格实惠",
    "质量很好",
    "包装破损",
    "物流速度一般",
    "退款一直没到账",
    "页面经常打不开",
    "送货员很有礼貌",
    "等了三天才发货",
    "性价比高",
    "下次还会再来",
    "商品和描述不符",
    "售后处理及时",
    "电话一直打不通",
    "希望改进配送服务",
    "总体还算满意",
    "APP很卡",
    "优惠券用不了",
    "发票开错了",
    "排队结账太久",
    "店员不耐烦",
    "颜色和图片有差别",
    "尺码偏小",
    "赠品没有收到",
    "联系方式13812345678",
    "会员积分不能用",
    "直播间价格更低",
    "配送员没打电话就放门口",
    "做工精细",
)


def make_comments(rng: np.random.Generator, n: int) -> pd.Series:
    """n comments of 30–80 characters joined from :data:`PHRASES` with Chinese commas."""
    lengths = rng.integers(30, 81, size=n)
    picks = rng.integers(0, len(PHRASES), size=(n, 16))
    pool = np.array(PHRASES, dtype=object)
    joined = ["，".join(row) for row in pool[picks]]
    return pd.Series([text[:length] for text, length in zip(joined, lengths, strict=True)])


def main() -> None:
    rng = np.random.default_rng(1)
    texts = make_comments(rng, COMMENTS)
    recommend = rng.integers(0, 11, size=COMMENTS).astype(float)
    satisfaction = rng.uniform(0, 100, size=COMMENTS)
    contrast = Contrast("detractors", "promoters", recommend <= 6, recommend >= 9)
    settings = CommentSettings()
    segment = make_segmenter()
    lengths = texts.str.len()
    print(f"Comments: {COMMENTS:,} Chinese comments of {lengths.min()}–{lengths.max()} characters "
          f"(mean {lengths.mean():.0f}), best of {REPEATS}")  # fmt: skip
    baseline = best_of(lambda: [segment(text) for text in texts])
    print(f"{'segmenter alone (baseline)':32s} {baseline:8.3f} s   1.00×")
    analysis = best_of(
        lambda: analyse_comments(texts, contrast, satisfaction, recommend, settings, seed=1)
    )
    print(f"{'whole comment analysis':32s} {analysis:8.3f} s {analysis / baseline:6.2f}×")
    verdict = "meets" if analysis <= TARGET_SECONDS else "MISSES"
    print(f"analysis {analysis:.2f} s {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
