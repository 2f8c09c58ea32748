"""Chinese personal names: a surname weighted by the person's ethnicity, then one or two given-name characters."""

import numpy as np

from fupin.synth.render import Rng, Text, join, labels, pick

# The most common surnames of Guizhou's rural population, roughly in order of frequency.
SURNAMES = tuple(
    dict.fromkeys(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
        "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤安禄陇冉岑"
        "班蒙滕卯穆海吉龚敖祖文欧"
    )
)
SURNAME_WEIGHTS = np.array([1.0 / (rank + 8) for rank in range(len(SURNAMES))])

# Surnames far more frequent within one ethnicity than in the population as a whole.
ETHNIC_SURNAMES: dict[str, str] = {
    "苗族": "杨龙吴王张熊陶石潘罗",
    "彝族": "安禄陇杨李王陈龙苏马",
    "回族": "马丁海穆李王张杨",
    "布依族": "韦罗陆王岑班黄蒙杨",
    "侗族": "吴杨石龙潘陆欧",
    "土家族": "田向彭冉张杨何",
    "水族": "韦蒙潘石吴",
    "仡佬族": "王邹罗黄",
}
ETHNIC_SHARE = 0.6

MALE_CHARACTERS = (
    "伟强军平刚勇杰涛明超华建国文辉力斌兵波宇浩鹏飞志永成龙海林云东亮光德福贵荣富发财顺江山峰松"
    "忠诚兴祥明金银友全安明俊杰坤林旭阳磊鑫毅洪学昌胜盛武良正义先进才"
)
FEMALE_CHARACTERS = (
    "芳娟敏静丽艳娜秀英华慧巧美娟霞燕玲桂珍凤红梅琴兰莲菊花春翠萍雪琳莉月婷倩颖佳欣悦妍瑶琪"
    "丹丹露芬英仙妹香秀珠银金凤碧蓉"
)
TWO_CHARACTER_SHARE = 0.8


def surnames(rng: Rng, ethnicity: np.ndarray, ethnicities: tuple[str, ...]) -> np.ndarray:
    """An index into SURNAMES for each person, favouring the surnames typical of their ethnicity."""
    chosen = pick(rng, SURNAME_WEIGHTS, len(ethnicity))
    typical = rng.random(len(ethnicity)) < ETHNIC_SHARE
    position = {surname: index for index, surname in enumerate(SURNAMES)}
    for name, favoured in ETHNIC_SURNAMES.items():
        if name not in ethnicities:
            continue
        rows = np.flatnonzero((ethnicity == ethnicities.index(name)) & typical)
        options = np.array([position[surname] for surname in favoured])
        chosen[rows] = options[pick(rng, 1.0 / np.arange(1, len(options) + 1), len(rows))]
    return chosen


def given_names(rng: Rng, male: np.ndarray) -> Text:
    """One or two characters from the male or female list, according to `male`."""
    size = len(male)
    first = _characters(rng, male)
    second = _characters(rng, male)
    second = np.where(rng.random(size) < TWO_CHARACTER_SHARE, second, -1)
    table = tuple(MALE_CHARACTERS) + tuple(FEMALE_CHARACTERS)
    return join(labels(table, first), labels(table, second))


def _characters(rng: Rng, male: np.ndarray) -> np.ndarray:
    size = len(male)
    boys = rng.integers(0, len(MALE_CHARACTERS), size)
    girls = rng.integers(0, len(FEMALE_CHARACTERS), size) + len(MALE_CHARACTERS)
    return np.where(male, boys, girls)


def full_names(surname_index: np.ndarray, given: Text) -> Text:
    return join(labels(SURNAMES, surname_index), given)
