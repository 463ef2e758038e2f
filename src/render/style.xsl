<?xml version="1.0" encoding="utf-8"?>
<!-- Shows an RSS 2.0 or Atom 1.0 feed written by feedwright as a readable page in a browser. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/">
  <xsl:output method="html" encoding="utf-8" indent="yes"/>
  <xsl:template match="/">
    <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
    <xsl:variable name="self" select="rss/channel/atom:link[@rel='self']/@href | atom:feed/atom:link[@rel='self']/@href"/>
    <xsl:variable name="page" select="rss/channel/link | atom:feed/atom:link[@rel='alternate']/@href"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/></title>
        <style>
          body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;color:#222}
          .hint{background:#eef4ff;border:1px solid #c8d8ff;border-radius:6px;padding:.6rem .8rem;font-size:.9rem}
          .hint code{word-break:break-all}
          h1{font-size:1.5rem;margin-bottom:.2rem}
          article{border-bottom:1px solid #eee;padding:.8rem 0}
          article h2{font-size:1.1rem;margin:0}
          .meta{color:#666;font-size:.85rem;margin:.2rem 0}
          img{max-width:100%;height:auto}
          a{color:#0b57d0}
          @media (prefers-color-scheme:dark){body{background:#111;color:#ddd}.hint{background:#1a2233;border-color:#334}article{border-color:#333}a{color:#8ab4f8}}
        </style>
      </head>
      <body>
        <p class="hint">This is a web feed. To subscribe, copy its address into your feed reader:
          <code><xsl:value-of select="$self"/></code></p>
        <h1><xsl:value-of select="$title"/></h1>
        <p class="meta">From <a href="{$page}"><xsl:value-of select="$page"/></a> · <a href="../index.html">all feeds</a></p>
        <xsl:for-each select="rss/channel/item">
          <article>
            <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
            <p class="meta"><xsl:value-of select="pubDate"/>
              <xsl:if test="dc:creator"> · <xsl:value-of select="dc:creator"/></xsl:if></p>
            <div><xsl:value-of select="description" disable-output-escaping="yes"/></div>
          </article>
        </xsl:for-each>
        <xsl:for-each select="atom:feed/atom:entry">
          <article>
            <h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
            <p class="meta"><xsl:value-of select="atom:published"/>
              <xsl:if test="atom:author/atom:name"> · <xsl:value-of select="atom:author/atom:name"/></xsl:if></p>
            <div><xsl:value-of select="atom:summary" disable-output-escaping="yes"/></div>
          </article>
        </xsl:for-each>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
