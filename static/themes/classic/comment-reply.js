// Moves the Leave a Reply form under the comment being answered, as WordPress's comment-reply.js.
// Without JavaScript the Reply links still work: they reload the page with ?replytocom=ID.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".comment-reply-link, #cancel-comment-reply-link");
  if (!link) return;
  const respond = document.getElementById("respond");
  const parentField = document.getElementById("comment_parent");
  const title = document.getElementById("reply-title");
  const cancel = document.getElementById("cancel-comment-reply-link");
  if (!respond || !parentField) return;
  event.preventDefault();
  if (!respond.dataset.home) {
    const marker = document.createElement("div");
    marker.id = "respond-home";
    respond.before(marker);
    respond.dataset.home = "1";
  }
  const label = title.firstChild;
  if (link === cancel) {
    document.getElementById("respond-home").after(respond);
    parentField.value = "0";
    label.textContent = "Leave a Reply ";
    cancel.hidden = true;
  } else {
    document.getElementById("div-comment-" + link.dataset.commentid).after(respond);
    parentField.value = link.dataset.commentid;
    label.textContent = link.dataset.replyto.replace(/^Reply to /, "Leave a Reply to ") + " ";
    cancel.hidden = false;
  }
  document.getElementById("comment").focus();
});
