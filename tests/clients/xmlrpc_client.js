// Drives Inkwell's /xmlrpc.php with the unmodified `wordpress` npm package (node-wordpress):
// new post, read, edit, list, terms, upload, delete. Prints what it saw as JSON.
// Usage: node xmlrpc_client.js <site URL> <username> <password> <png path>
const fs = require("fs");
const wordpress = require("wordpress");

function promised(client, name, ...args) {
  return new Promise((resolve, reject) =>
    client[name](...args, (error, value) => (error ? reject(error) : resolve(value))),
  );
}

async function main() {
  const [url, username, password, png] = process.argv.slice(2);
  const client = wordpress.createClient({ url, username, password });
  const seen = {};
  const id = await promised(client, "newPost", {
    title: "Written by node-wordpress",
    content: "<p>Hello over XML-RPC.</p>",
    status: "publish",
    termNames: { post_tag: ["xmlrpc"] },
  });
  seen.created = id;
  const post = await promised(client, "getPost", id);
  seen.read = { title: post.title, status: post.status, date: post.date instanceof Date };
  await promised(client, "editPost", id, { title: "Edited by node-wordpress" });
  seen.edited = (await promised(client, "getPost", id)).title;
  const posts = await promised(client, "getPosts", { number: 20 });
  seen.listed = posts.map((p) => p.id);
  const tags = await promised(client, "getTerms", "post_tag");
  seen.tags = tags.map((t) => t.name);
  const upload = await promised(client, "uploadFile", {
    name: "gull.png",
    type: "image/png",
    bits: fs.readFileSync(png),
  });
  seen.upload = { id: upload.id, url: upload.url };
  await promised(client, "deletePost", id);
  seen.deleted = (await promised(client, "getPost", id)).status;
  try {
    await promised(client, "getPost", "999999");
  } catch (error) {
    seen.missing = error.code;
  }
  console.log(JSON.stringify(seen));
}

main().catch((error) => {
  console.error(error && (error.stack || String(error)));
  process.exit(1);
});
