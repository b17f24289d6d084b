"""Reviewers' app: `streamlit run app.py`. Pages live in pages/; every rule
they apply lives in the classifier library (appmodel, store, export, ui)."""
import streamlit as st

st.set_page_config(page_title="绩效指标审核", page_icon=":material/fact_check:", layout="wide")

from classifier import ui  # noqa: E402  (set_page_config must come first)

ui.apply_secrets()
nav = st.navigation([
    st.Page("pages/review.py", title="审核", icon=":material/fact_check:", default=True),
    st.Page("pages/project.py", title="项目", icon=":material/table_view:"),
    st.Page("pages/similar.py", title="相似与重复", icon=":material/content_copy:"),
    st.Page("pages/report.py", title="报告", icon=":material/bar_chart:"),
    st.Page("pages/evaluate.py", title="评估", icon=":material/target:"),
    st.Page("pages/settings.py", title="设置", icon=":material/settings:"),
])
nav.run()
