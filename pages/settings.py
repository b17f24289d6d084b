"""设置: backend, endpoint check, prompt version."""
import streamlit as st

from classifier import appmodel as am
from classifier import ui
from classifier.config import project_root

ui.sidebar()
st.title("设置")
st.radio("审核方式", ["offline", "openai"], key=ui.seed_widget("backend"), on_change=ui.keep, args=("backend",), horizontal=True,
         format_func={"offline": "离线（规则 + 相似行索引查照搬 + 学习模型 + 模板改写，不联网）",
                      "openai": "大模型服务（兼容 OpenAI 接口）"}.get)
st.caption("离线：规则检查；本地向量索引找出跨项目照搬的近似行（照搬套用聚类）；用已标注数据训练的学习模型补充标签；"
           "模板改写并复查。全部在本机完成，不调用模型服务。")
prompts = am.prompt_versions(project_root() / "prompts")
if prompts:
    names = [p.rsplit(".", 1)[0] for p in prompts]
    if ui.prompt_name() not in names:
        st.session_state["prompt"] = names[0]
    st.selectbox("提示词版本", names, key=ui.seed_widget("prompt"), on_change=ui.keep, args=("prompt",), placeholder="请选择", format_func=lambda n: f"{n}（{ui.prompt_id(n)}）")
else:
    st.caption("prompts/ 下没有提示词文件。")

st.subheader("模型服务")
info = ui.endpoint_settings()
st.markdown(f"- 接口地址：`{am.code_escape(info['base_url'])}`\n- 模型：`{am.code_escape(info['model'])}`\n- 接口密钥：{'已设置' if info['has_key'] else '未设置'}"
            "（从环境变量 INDICATOR_QA_API_KEY / OPENAI_API_KEY 或 Streamlit 的 secrets.toml 读取，不在页面显示）")
if st.button("检查接口", key="check_endpoint"):
    ok, text = ui.check_endpoint()
    (st.success if ok else st.error)(am.md_escape(text))
