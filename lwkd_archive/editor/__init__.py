"""Tools for LWKD's writers: start next week's issue (an archive page or LWKD's Jekyll
post), check it before it is published, and check a pull request's posts in GitHub Actions."""
