"""The learned offline labeller (classifier/learn.py) on the seed's labelled rows."""
from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from classifier import learn
from classifier.cli import main
from classifier.features import FEATURE_VERSION, HASHING_EMBEDDER, build_features
from classifier.ingest import read_path
from classifier.models import LABELS
from classifier.pipeline import review

LABELLED = learn.default_labels_path()


@pytest.fixture(scope="module")
def seed_matrix():
    batches, notes = learn.load_batches([LABELLED])
    assert not notes
    return learn.featurise(batches, HASHING_EMBEDDER)


def test_unit_held_out_model_beats_rules(seed_matrix):
    fm, Y, _ = seed_matrix
    ev = learn.grouped_evaluation(fm, Y)
    for label, s in ev["per_label"].items():
        print(f"{label:20s} rules {s['rules']['f1']:.3f}  rules+model {s['model']['f1']:.3f}  (n={s['support']})")
    print("macro-F1", ev["macro_f1"])
    assert ev["n_units"] == 19 and ev["n_rows"] == 743
    assert ev["macro_f1"]["model"] > ev["macro_f1"]["rules"]
    # copy_paste needs batch context the rules only see verbatim; that is where the model must help.
    assert ev["per_label"]["copy_paste"]["model"]["f1"] > ev["per_label"]["copy_paste"]["rules"]["f1"]


def test_features_do_not_read_gold():
    a = read_path(LABELLED)
    b = read_path(LABELLED)
    for p in b.projects:
        for ind in p.indicators:
            ind.gold_labels = ["copy_paste"] if ind.gold_labels else []
    fa, fb = build_features(a.projects[:10]), build_features(b.projects[:10])
    assert np.array_equal(fa.X, fb.X)


def test_training_is_deterministic(tmp_path):
    m1, _, _ = learn.train([LABELLED], out=tmp_path / "a.joblib")
    m2, _, _ = learn.train([LABELLED], out=tmp_path / "b.joblib")
    assert m1["data_hash"] == m2["data_hash"]
    assert m1["modes"] == m2["modes"] and m1["thresholds"] == m2["thresholds"] and m1["cv"] == m2["cv"]
    for label in LABELS:
        c1, c2 = m1["classifiers"][label], m2["classifiers"][label]
        assert np.array_equal(c1["coef"], c2["coef"]) and c1["intercept"] == c2["intercept"]
    assert m1["feature_version"] == FEATURE_VERSION and m1["embedder"] == HASHING_EMBEDDER
    assert set(m1["cv"]["per_label"]) == set(LABELS) and all(0.1 <= t <= 0.9 for t in m1["thresholds"].values())


@pytest.fixture(scope="module")
def rules_only(seed_read, shared_home):
    """The seed without the learned labeller (nor the index): what the model is compared with."""
    with shared_home("rules-only-home"):
        return review(seed_read, use_index=False, use_model=False)


def test_shipped_model_merges_with_rules(seed_read, rules_only):
    assert learn.shipped_model_path().exists() and learn.shipped_model_path().stat().st_size < 3_000_000
    with_model = review(seed_read, use_index=False)
    assert not [p for p in with_model.problems if p.file == "model"]
    assert with_model.run["model"]["feature_version"] == FEATURE_VERSION
    model_findings = [f for f in with_model.findings if f.source == "model"]
    assert model_findings and all(0 < f.confidence <= 1 for f in model_findings)
    modes = with_model.run["model"]["modes"]
    for f in model_findings:  # the model only speaks for labels it was given
        assert modes[f.code] != "rules"
        assert f.confidence >= with_model.run["model"]["thresholds"][f.code]
    for label in (l for l in LABELS if modes[l] == "rules"):  # rules-decided labels are untouched
        assert with_model.summary()["by_label"][label] == rules_only.summary()["by_label"][label]
    # Uncertainty: every row has one, and the queue order puts near-threshold rows first.
    us = {ind.id: learn.row_uncertainty(with_model, ind.id) for _, ind in with_model.rows()}
    assert all(u is not None and u >= 0 for u in us.values())
    first = min(us, key=us.get)
    p = with_model.run["model_scores"][first]["p"]
    assert min(abs(p[l] - with_model.run["model"]["thresholds"][l]) for l in LABELS) == pytest.approx(us[first])
    assert learn.row_uncertainty(rules_only, first) is None


def test_model_of_another_feature_version_is_refused(seed_read, rules_only, tmp_path):
    model = learn.load_model(learn.shipped_model_path())
    model["feature_version"] = "0-old"
    learn.save_model(model, learn.user_model_path())  # where the offline backend looks first
    with pytest.raises(learn.ModelRefused, match="特征版本"):
        learn.load_model(learn.user_model_path())
    rv = review(seed_read, use_index=False)
    msgs = [str(p) for p in rv.problems if p.file == "model"]
    assert msgs and "特征版本" in msgs[0] and "indicator-qa train" in msgs[0]
    assert not [f for f in rv.findings if f.source == "model"]
    assert rv.summary()["by_label"] == rules_only.summary()["by_label"]
    model["feature_version"] = FEATURE_VERSION
    model["embedder"] = "no-such-embedder/v1"
    learn.save_model(model, tmp_path / "m.joblib")
    with pytest.raises(learn.ModelRefused, match="no-such-embedder"):
        learn.load_model(tmp_path / "m.joblib")


def _before(row: dict) -> dict:
    return {k: row[k] for k in ("project", "unit", "budget", "level1", "level2", "level3", "description", "value")}


def test_decisions_from_the_store_join_the_training_set(tmp_path):
    from classifier.store import Store

    seed = read_path(LABELLED)
    p0 = seed.projects[0]
    ind = next(i for i in p0.indicators if i.gold_labels)  # a flagged seed row the reviewer overrules
    seed_row = {"project": p0.title, "unit": p0.unit, "budget": p0.budget, "level1": ind.level1, "level2": ind.level2,
                "level3": ind.level3, "description": ind.description, "value": ind.value}
    new_row = {"project": "2023年某区社区养老服务补贴", "unit": "510101某区民政局", "budget": 80.0, "level1": "产出指标",
               "level2": "数量指标", "level3": "养老服务补贴发放人数", "description": "养老服务补贴发放人数", "value": "≥500人"}
    with Store() as st:
        st.save("seedhash", ind.id, "reject", "张三", _before(seed_row), expected_version=0, labels=[],
                reason="not_a_problem")
        st.save("otherfile", "T001-01", "edit", "李四", _before(new_row), expected_version=0,
                labels=["vague_description"],
                after={**_before(new_row), "description": "当年实际领取补贴的老年人数，以发放台账为据", "rationale": "写明口径"})
    from classifier.store import decisions_as_labelled

    decisions = decisions_as_labelled()
    assert len(decisions) == 2
    batches, _ = learn.load_batches([LABELLED], decisions)
    fm, Y, sigs = learn.featurise(batches, HASHING_EMBEDDER)
    assert len(Y) == 743 + 1  # one new row; the overruled seed row is replaced, not doubled
    new = [k for k, s in enumerate(sigs) if "养老服务补贴发放人数" in s]
    assert len(new) == 1 and Y[new[0]].tolist() == [l == "vague_description" for l in LABELS]
    over = [k for k, s in enumerate(sigs) if s.startswith('["decisions:seedhash') and ind.level3 in s]
    assert len(over) == 1 and not Y[over[0]].any()

    base, _, _ = learn.train([LABELLED], out=tmp_path / "base.joblib")
    res = CliRunner().invoke(main, ["train", "--include-decisions", "--out", str(tmp_path / "d.joblib")])
    assert res.exit_code == 0, res.output
    assert "macro-F1" in res.output
    with_dec = learn.load_model(tmp_path / "d.joblib")
    assert with_dec["n_decisions"] == 2 and with_dec["n_rows"] == 744
    assert with_dec["data_hash"] != base["data_hash"]


def test_train_cli_missing_labels_file_is_a_message(tmp_path):
    res = CliRunner().invoke(main, ["train", "--labels", str(tmp_path / "nope.jsonl")])
    assert res.exit_code == 2
    assert "找不到标注文件" in res.output and "Traceback" not in res.output


def test_neighbour_votes_never_see_held_out_units_twins_or_the_row_itself(seed_matrix):
    from sklearn.model_selection import GroupKFold

    from classifier.features import NEIGHBOUR_COLUMNS, neighbour_features

    fm, Y, _ = seed_matrix
    nv = len(NEIGHBOUR_COLUMNS)
    tr, te = next(GroupKFold(n_splits=5).split(fm.X, groups=fm.units))
    Xtr, Xte = learn.fold_design(fm, Y, tr, te, neighbours=True)
    assert Xtr.shape[1] == Xte.shape[1] == learn.n_dense(fm) + nv
    # Held-out units: their gold labels can be anything, the fold's features do not move.
    flipped = Y.copy()
    flipped[te] = ~flipped[te]
    Ftr, Fte = learn.fold_design(fm, flipped, tr, te, neighbours=True)
    assert np.array_equal(Ftr, Xtr) and np.array_equal(Fte, Xte)
    # A training row's own label (and its twins') never reaches its own votes, but does reach its neighbours'.
    keys = fm.nbr_keys[tr]
    i = max(range(len(tr)), key=lambda r: Xtr[r, -1] if (keys == keys[r]).sum() > 1 else -1)  # a row with twins and voters
    assert (keys == keys[i]).sum() > 1 and Xtr[i, -1] > 0
    flipped = Y.copy()
    flipped[tr[i]] = ~flipped[tr[i]]
    Ftr, _ = learn.fold_design(fm, flipped, tr, te, neighbours=True)
    twins = keys == keys[i]
    assert np.array_equal(Ftr[twins][:, -nv:], Xtr[twins][:, -nv:])
    assert not np.array_equal(Ftr[:, -nv:], Xtr[:, -nv:])  # the labels are read at all
    # A row whose only near neighbours are itself and its twin gets zero votes.
    V, K = fm.nbr_vecs, fm.nbr_keys
    far = np.roll(V[:1], 7, axis=1)  # an unrelated vector (same norm)
    pool_V = np.vstack([V[:1], V[:1], far])
    pool_K = np.array([K[0], K[0], K[0] + 1])
    pool_Y = np.ones((3, len(LABELS)), dtype=bool)
    assert float(V[0] @ far[0]) < 0.5
    out = neighbour_features(V[:1], K[:1], pool_V, pool_K, pool_Y)
    assert not out.any()
    # The same row with another key does vote (so the zero above is the exclusion, not the threshold).
    assert neighbour_features(V[:1], K[:1] + 2, pool_V, pool_K, pool_Y)[0, :len(LABELS)].min() == pytest.approx(1.0)


def test_neighbour_pool_in_the_shipped_model(seed_read):
    model = learn.load_model(learn.shipped_model_path())
    nb = model["neighbours"]
    assert model["neighbour_labels"] and nb["vectors"].dtype == np.float16
    assert len(nb["vectors"]) == len(nb["keys"]) == len(nb["labels"]) == model["n_rows"]
    # Prediction on the seed (all of it in the pool): no row votes for itself.
    from classifier.features import neighbour_inputs, get_embedder

    V, K = neighbour_inputs(seed_read.projects, get_embedder(model["embedder"]))
    votes = learn._pool_votes(nb, V, K)
    S = V @ np.asarray(nb["vectors"], np.float32).T
    alone = [r for r in range(len(V)) if (S[r][nb["keys"] != K[r]] < nb["min_sim"]).all()]
    assert alone and not votes[alone].any()


def test_unit_held_out_with_neighbour_labels(seed_matrix):
    fm, Y, _ = seed_matrix
    with_nb = learn.grouped_evaluation(fm, Y, neighbours=True)
    print("macro-F1 with neighbour labels", with_nb["macro_f1"])
    assert with_nb["neighbours"] and with_nb["macro_f1"]["model"] > with_nb["macro_f1"]["rules"]
